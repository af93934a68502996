import SottoCore
import Testing

@Suite struct CaptionsTests {
    func sample() -> Captions {
        var captions = Captions()
        captions.append(chunkWords: [WordTiming(word: "Hello", start: 0.1, end: 0.5), WordTiming(word: "world", start: 0.55, end: 1.0)])
        captions.append(chunkWords: [])
        captions.append(chunkWords: [WordTiming(word: "Again", start: 3661.25, end: 3661.9999)])
        return captions
    }

    @Test func subRipHasOneNumberedCuePerChunk() throws {
        #expect(try sample().rendered(.srt) == """
            1
            00:00:00,100 --> 00:00:01,000
            Hello world

            2
            01:01:01,250 --> 01:01:02,000
            Again

            """)
    }

    @Test func webVTTMarksEachLaterWordWithItsStart() throws {
        #expect(try sample().rendered(.vtt) == """
            WEBVTT

            00:00:00.100 --> 00:00:01.000
            Hello <00:00:00.550>world

            01:01:01.250 --> 01:01:02.000
            Again

            """)
    }

    @Test func jsonListsEveryWord() throws {
        let json = try sample().rendered(.json)
        #expect(json.contains("\"word\" : \"world\""))
        #expect(json.contains("\"start\" : 0.55"))
        #expect(json.contains("\"end\" : 3662"))
    }

    @Test func longChunksAndPausesStartNewCues() {
        var captions = Captions()
        let words = (0..<12).map { WordTiming(word: "word\($0)", start: Double($0), end: Double($0) + 0.5) }
        captions.append(chunkWords: words)
        // Pauses of 0.5 s stay in one cue; 12 words of 5 characters exceed 42 characters.
        #expect(captions.cues.map(\.words.count) == [7, 5])
        var paused = Captions()
        paused.append(chunkWords: [WordTiming(word: "a", start: 0, end: 1), WordTiming(word: "b", start: 1.7, end: 2)])
        #expect(paused.cues.count == 2)
    }

    @Test func formatsComeFromTheExtension() {
        #expect(CaptionFormat(path: "out.SRT") == .srt)
        #expect(CaptionFormat(path: "a.b/words.vtt") == .vtt)
        #expect(CaptionFormat(path: "words.json") == .json)
        #expect(CaptionFormat(path: "words.txt") == nil)
        #expect(CaptionFormat(path: "srt") == nil)
    }
}
