import SottoPhonemes
import Testing

/// libespeak-ng is not thread-safe: unserialised, two threads corrupt each other's output.
@Suite struct ConcurrencyTests {
    static let texts = [
        "Hello, world! How are you? Fine; thanks.",
        "Dr. Smith paid $3.14 for 2024 apples on the 1st of May.",
        "Wait... I'm thinking... okay, let's go.",
        "The quick brown fox jumps over the lazy dog.",
        "My naïve café in Zürich serves crème brûlée.",
        "She said, \"Hello there!\" and left.",
        "Numbers like 1,234,567 take a while to read aloud.",
        "Is it raining? No; it is snowing, and the wind is cold.",
    ]
    static let voices = ["en-us", "en-gb", "de"]

    @Test func concurrentCallsMatchSerialCalls() async throws {
        let jobs = (0..<200).map { job in
            (voice: Self.voices[job % Self.voices.count], text: Self.texts[job % Self.texts.count])
        }
        var expected: [String: [PhonemeClause]] = [:]
        for job in jobs where expected["\(job.voice)|\(job.text)"] == nil {
            expected["\(job.voice)|\(job.text)"] = try Phonemizer(voice: job.voice).clauses(job.text)
        }

        let results = try await withThrowingTaskGroup(of: (Int, [PhonemeClause]).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    (index, try Phonemizer(voice: job.voice).clauses(job.text))
                }
            }
            var results: [Int: [PhonemeClause]] = [:]
            for try await (index, clauses) in group {
                results[index] = clauses
            }
            return results
        }

        #expect(results.count == jobs.count)
        for (index, job) in jobs.enumerated() {
            #expect(results[index] == expected["\(job.voice)|\(job.text)"], "job \(index): \(job.voice) \(job.text)")
        }
        #expect(Set(expected.values.map { $0.map(\.phonemes) }).count == expected.count,
                "voices and texts give distinct results, so a mix-up would show")
    }
}
