import ArgumentParser
struct Say: ParsableCommand {}
struct Phonemes: ParsableCommand {}
struct Info: ParsableCommand {}
