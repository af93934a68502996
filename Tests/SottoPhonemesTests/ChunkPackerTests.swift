import SottoPhonemes
import Testing

@Suite struct ChunkPackerTests {
    let text = "One two three, four five. Six seven eight nine; ten. Eleven, twelve! Thirteen fourteen fifteen?"

    func characterCount(_ piece: Substring) -> Int { piece.count }

    @Test func chunksStayWithinTheLimitAndEndOnClauseBoundaries() {
        let clauses = TextSplitter().clauses(in: text)
        let chunks = ChunkPacker(limit: 30).pack(text, measure: characterCount)

        #expect(chunks.allSatisfy { $0.text.count <= 30 })
        #expect(chunks.allSatisfy { !$0.isPartialClause })
        #expect(chunks.map(\.text) == ["One two three, four five.", "Six seven eight nine; ten.",
                                       "Eleven, twelve!", "Thirteen fourteen fifteen?"])
        var next = 0
        for chunk in chunks {
            #expect(chunk.clauses.lowerBound == next)
            #expect(chunk.range.lowerBound == clauses[chunk.clauses.lowerBound].range.lowerBound)
            #expect(chunk.range.upperBound == clauses[chunk.clauses.upperBound - 1].range.upperBound)
            #expect(String(text[chunk.range]) == chunk.text)
            next = chunk.clauses.upperBound
        }
        #expect(next == clauses.count)
    }

    /// Each chunk is as long as the limit allows: adding the next clause would exceed it.
    @Test func chunksAreFilledGreedily() {
        let clauses = TextSplitter().clauses(in: text).map(\.range)
        for limit in [20, 30, 45, 60, 200] {
            let chunks = ChunkPacker(limit: limit).pack(text, measure: characterCount)
            for (chunk, following) in zip(chunks, chunks.dropFirst()) where !chunk.isPartialClause {
                let grown = chunk.range.lowerBound..<clauses[following.clauses.lowerBound].upperBound
                #expect(text[grown].count > limit, "limit \(limit): \(chunk.text)")
            }
        }
        #expect(ChunkPacker(limit: 200).pack(text, measure: characterCount).map(\.text) == [text])
    }

    @Test func anOversizedClauseIsCutAtWords() {
        let long = "Short one. This clause has far too many words to fit in a single small chunk, ok."
        let chunks = ChunkPacker(limit: 20).pack(long, measure: characterCount)
        #expect(chunks.first?.text == "Short one.")
        #expect(chunks.first?.isPartialClause == false)
        let pieces = chunks.filter(\.isPartialClause)
        #expect(pieces.count > 1)
        for piece in pieces {
            #expect(piece.text.count <= 20)
            #expect(piece.text.first?.isWhitespace == false)
            #expect(piece.text.last?.isWhitespace == false)
            if piece.range.lowerBound > long.startIndex {
                #expect(long[long.index(before: piece.range.lowerBound)].isWhitespace)
            }
            if piece.range.upperBound < long.endIndex {
                #expect(long[piece.range.upperBound].isWhitespace)
            }
        }
        let words = chunks.flatMap { $0.text.split(separator: " ") }
        #expect(words == long.split(separator: " "))
    }

    @Test func anOversizedWordIsCutAtCharacters() {
        let word = String(repeating: "ü", count: 25) + "😀"
        let chunks = ChunkPacker(limit: 10).pack("Hi. \(word) end.", measure: characterCount)
        #expect(chunks.map(\.text) == ["Hi.", String(repeating: "ü", count: 10), String(repeating: "ü", count: 10),
                                       String(repeating: "ü", count: 5) + "😀", "end."])
    }

    @Test func aCharacterLargerThanTheLimitStandsAlone() {
        let chunks = ChunkPacker(limit: 2).pack("ab😀cd", measure: { $0.unicodeScalars.reduce(0) { $0 + ($1.value > 0xFFFF ? 5 : 1) } })
        #expect(chunks.map(\.text) == ["ab", "😀", "cd"])
    }

    @Test func measureErrorsAreRethrown() {
        struct TooLong: Error {}
        #expect(throws: TooLong.self) {
            try ChunkPacker(limit: 10).pack(text) { piece throws -> Int in
                if piece.contains("twelve") { throw TooLong() }
                return piece.count
            }
        }
    }

    @Test func emptyTextGivesNoChunks() {
        #expect(ChunkPacker(limit: 10).pack("", measure: characterCount).isEmpty)
        #expect(ChunkPacker(limit: 10).pack(" ?! ", measure: characterCount).isEmpty)
    }

    /// 20,000 characters with a character-count limit: the limit holds everywhere and the
    /// number of measurements stays proportional to the number of clauses.
    @Test func longTextIsPackedWithFewMeasurements() {
        let sentence = "The rain in Spain, they say, falls mainly on the plain. "
        let long = String(repeating: sentence, count: 20_000 / sentence.count + 1)
        let clauses = TextSplitter().clauses(in: long)
        var measurements = 0
        let chunks = ChunkPacker(limit: 500).pack(long) { piece in
            measurements += 1
            return piece.count
        }
        #expect(chunks.allSatisfy { $0.text.count <= 500 })
        #expect(chunks.last?.clauses.upperBound == clauses.count)
        #expect(chunks.count >= long.count / 500)
        #expect(measurements <= 2 * clauses.count)
    }

    /// Packing already phonemized clauses: the chunks' phoneme strings, read in order, are the
    /// whole text's phoneme string, and each fits the limit.
    @Test func packsPhonemizedClausesWithoutPhonemizingAgain() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let story = "Once upon a time, there was a fox. It was quick, brown and clever; it jumped. The end!"
        let clauses = try phonemizer.clauses(story)
        let whole = clauses.joinedPhonemes()

        let chunks = ChunkPacker(limit: 45).pack(clauses) { $0.count }
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.phonemes.count <= 45 && !$0.isPartialClause })
        #expect(chunks.map(\.phonemes).joined(separator: " ") == whole)
        #expect(chunks.map(\.clauses.count).reduce(0, +) == clauses.count)
        #expect(chunks.first.map { String(story[$0.range]) } == "Once upon a time, there was a fox.")

        let cut = ChunkPacker(limit: 12).pack(clauses) { $0.count }
        #expect(cut.contains { $0.isPartialClause })
        #expect(cut.allSatisfy { $0.phonemes.count <= 12 })
        #expect(cut.map(\.phonemes).joined(separator: " ") == whole)
        for chunk in cut where chunk.isPartialClause {
            #expect(chunk.range == clauses[chunk.clauses.lowerBound].range)
        }
    }

    /// The way Kokoro uses it: a limit in phoneme characters, measured with the phonemizer,
    /// over the phonemizer's own clause ranges.
    @Test func packsPhonemeClausesByPhonemeLength() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let story = "Once upon a time, there was a fox. It was quick, brown and clever; it jumped. The end!"
        let clauses = try phonemizer.clauses(story)
        let chunks = try ChunkPacker(limit: 40).pack(story, clauses: clauses.map(\.range)) { piece in
            try phonemizer.phonemize(String(piece)).count
        }
        #expect(chunks.count > 1)
        for chunk in chunks {
            #expect(try phonemizer.phonemize(chunk.text).count <= 40)
            #expect(chunk.isPartialClause == false)
        }
        #expect(chunks.map { $0.clauses.count }.reduce(0, +) == clauses.count)
    }
}
