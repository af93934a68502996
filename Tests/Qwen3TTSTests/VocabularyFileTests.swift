import Foundation
import Qwen3TTS
import Testing

/// The vocabulary reader against Foundation's JSON decoder: the same map from the real file,
/// the escapes JSON allows, and no map from anything that is not a flat object of integers.
@Suite struct VocabularyFileTests {
    @Test func readsTheRealVocabularyAsFoundationDoes() throws {
        let data = try Data(contentsOf: Qwen3Fixtures.tokenizerDirectory.appendingPathComponent("vocab.json"))
        let expected = try JSONDecoder().decode([String: Int].self, from: data)
        let read = try #require(VocabularyFile.parse(data))
        #expect(read.count == expected.count && read.count > 150_000)
        #expect(read == expected)
    }

    @Test func readsEveryEscape() throws {
        let text = #" { "a\"b" : 1, "\u0120x":2,"\ud83d\ude00" : 3, "t\t\n\r\b\f\/\\" : -4, "" : 5 } "#
        let read = try #require(VocabularyFile.parse(Data(text.utf8)))
        #expect(read == (try JSONDecoder().decode([String: Int].self, from: Data(text.utf8))))
        #expect(read == ["a\"b": 1, "\u{120}x": 2, "😀": 3, "t\t\n\r\u{8}\u{C}/\\": -4, "": 5])
        #expect(VocabularyFile.parse(Data("{}".utf8)) == [:])
    }

    @Test func refusesWhatIsNotAFlatMapOfIntegers() {
        for text in [#"{"a": 1"#, #"{"a" 1}"#, #"{"a": 1,}"#, #"{"a": "1"}"#, #"{"a": 1.5}"#, #"{"a": {"b": 1}}"#,
                     #"{"\ud83d": 1}"#, #"{"\x": 1}"#, #"["a", 1]"#, #"{"a": 1} x"#, "", #"{"a": 1"#.replacingOccurrences(of: "1", with: "")] {
            #expect(VocabularyFile.parse(Data(text.utf8)) == nil, "\(text)")
        }
    }
}
