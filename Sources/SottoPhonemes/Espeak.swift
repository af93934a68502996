import CEspeakNG
import Glibc
import Synchronization

/// One clause as espeak-ng returned it.
struct EspeakClause: Sendable {
    /// IPA as espeak-ng wrote it, language-switch marks such as `(en)` included.
    var phonemes: String
    /// The byte offset in the text where this clause's own text ends.
    var end: Int
}

/// The only way into libespeak-ng. The library keeps its voice, its output buffer and the
/// character it read ahead in globals and is not thread-safe, so every call in the process
/// goes through one lock, and a whole text is phonemized under it: a text abandoned half-way
/// would leave its look-ahead character to be read as the start of the next text.
enum Espeak {
    private struct State {
        var started = false
        var voices: [EspeakVoice]?
        /// What espeak_SetVoiceByName last accepted; nil when unknown, e.g. after a failure.
        var selected: String?

        mutating func start() throws(PhonemeError) {
            guard !started else { return }
            // espeak-ng starts its audio library even for synchronous output, and PulseAudio's
            // client prints to stderr when it cannot map its shared memory (under `ulimit -v`).
            // Sotto plays through ALSA itself, so that chatter is silenced; a failure still shows
            // in the result.
            let result = Self.withStandardErrorSilenced {
                espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, espeakINITIALIZE_DONT_EXIT)
            }
            guard result > 0 else { throw .espeakUnavailable(code: result) }
            started = true
        }

        private static func withStandardErrorSilenced<T>(_ body: () -> T) -> T {
            let saved = dup(STDERR_FILENO)
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            guard saved >= 0, null >= 0 else {
                if saved >= 0 { close(saved) }
                if null >= 0 { close(null) }
                return body()
            }
            dup2(null, STDERR_FILENO)
            close(null)
            defer {
                dup2(saved, STDERR_FILENO)
                close(saved)
            }
            return body()
        }

        mutating func installedVoices() -> [EspeakVoice] {
            if let voices { return voices }
            let listed = Espeak.listVoices()
            voices = listed
            return listed
        }

        mutating func select(_ identifier: String, requested: String) throws(PhonemeError) {
            guard selected != identifier else { return }
            selected = nil
            let status = espeak_SetVoiceByName(identifier)
            guard status == EE_OK else {
                throw .voiceLoadFailed(requested, code: status.rawValue)
            }
            selected = identifier
        }
    }

    private static let state = Mutex(State())

    static func voices() throws(PhonemeError) -> [EspeakVoice] {
        try state.withLock { state throws(PhonemeError) in
            try state.start()
            return state.installedVoices()
        }
    }

    /// Resolves a voice name to an espeak-ng identifier and loads it once, so a bad name or
    /// variant fails here rather than at the first text.
    static func load(_ requested: String) throws(PhonemeError) -> String {
        try state.withLock { state throws(PhonemeError) in
            try state.start()
            let identifier = try EspeakVoice.identifier(for: requested, among: state.installedVoices())
            try state.select(identifier, requested: requested)
            return identifier
        }
    }

    /// Phonemizes a whole text, one espeak-ng clause per element.
    static func clauses(of input: EspeakInput, voice identifier: String) throws(PhonemeError) -> [EspeakClause] {
        try state.withLock { state throws(PhonemeError) in
            try state.start()
            try state.select(identifier, requested: identifier)
            return try translate(input)
        }
    }

    /// Must run under the lock.
    private static func translate(_ input: EspeakInput) throws(PhonemeError) -> [EspeakClause] {
        let outcome: Result<[EspeakClause], PhonemeError> = input.bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var cursor: UnsafeRawPointer? = base
            var consumed = 0
            var clauses: [EspeakClause] = []
            var callsWithoutProgress = 0
            while cursor != nil {
                let output = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, espeakPHONEMES_IPA)
                // The output lives in a static buffer that the next call overwrites.
                let phonemes = output.map { String(cString: $0) } ?? ""
                guard let position = cursor else {
                    clauses.append(EspeakClause(phonemes: phonemes, end: input.count))
                    break
                }
                let offset = position - base
                guard offset >= consumed, offset <= input.count else {
                    drainPendingInput()
                    return .failure(.espeakStalled(atByte: consumed))
                }
                if offset == consumed {
                    callsWithoutProgress += 1
                    if callsWithoutProgress > 3 {
                        drainPendingInput()
                        return .failure(.espeakStalled(atByte: consumed))
                    }
                } else {
                    callsWithoutProgress = 0
                }
                consumed = offset
                // espeak-ng has read one character past the clause and keeps it for the next
                // call; that character belongs to the next clause.
                let end = offset > 0 ? offset - input.lengthOfScalar(endingAt: offset) : 0
                clauses.append(EspeakClause(phonemes: phonemes, end: max(end, clauses.last?.end ?? 0)))
            }
            return .success(clauses)
        }
        return try outcome.get()
    }

    /// Runs a tiny text to its end so that a character espeak-ng read ahead of an abandoned
    /// text is used up there rather than at the start of the next one.
    private static func drainPendingInput() {
        let sentinel: StaticString = ".\n"
        var cursor: UnsafeRawPointer? = UnsafeRawPointer(sentinel.utf8Start)
        var calls = 0
        while cursor != nil && calls < 8 {
            _ = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, espeakPHONEMES_IPA)
            calls += 1
        }
    }

    /// Must run under the lock, after espeak_Initialize.
    private static func listVoices() -> [EspeakVoice] {
        guard let list = espeak_ListVoices(nil) else { return [] }
        var voices: [EspeakVoice] = []
        var index = 0
        while let entry = list[index] {
            let voice = entry.pointee
            voices.append(EspeakVoice(
                name: voice.name.map { String(cString: $0) } ?? "",
                identifier: voice.identifier.map { String(cString: $0) } ?? "",
                languages: voice.languages.map(parseLanguages) ?? []))
            index += 1
        }
        return voices
    }

    /// espeak-ng packs a voice's languages as repeated [priority byte][code][NUL], ending with a
    /// zero priority byte.
    private static func parseLanguages(_ packed: UnsafePointer<CChar>) -> [EspeakVoice.Language] {
        var languages: [EspeakVoice.Language] = []
        var cursor = packed
        while cursor.pointee != 0 {
            let priority = Int(UInt8(bitPattern: cursor.pointee))
            let code = String(cString: cursor + 1)
            languages.append(EspeakVoice.Language(code: code, priority: priority))
            cursor += 1 + code.utf8.count + 1
        }
        return languages
    }
}
