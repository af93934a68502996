import Foundation
import Qwen3TTS
import SottoCore
import Testing

@Suite struct Qwen3TokenizerTests {
    @Test func idsMatchTheReferenceOnTrickyStrings() throws {
        let tokenizer = try BPETokenizer(folder: Qwen3Fixtures.tokenizerDirectory)
        let cases = Qwen3Fixtures.goldens["tokenizer"] as! [[String: Any]]
        #expect(cases.count >= 10)
        for entry in cases {
            let text = entry["text"] as! String
            let expected = entry["ids"] as! [Int]
            #expect(tokenizer.encode(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test func promptTemplatesMatchTheReference() throws {
        // The reference tokenizes the whole template; a text that starts with a newline merges
        // with the role's newline ("\n\n" is one token), which slicing must preserve.
        let tokenizer = try BPETokenizer(folder: Qwen3Fixtures.tokenizerDirectory)
        let ids = tokenizer.encode("<|im_start|>assistant\n\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(Array(ids.prefix(3)) == [151644, 77091, 271])
        #expect(tokenizer.encode("<tts_pad><tts_text_bos><tts_text_eod>") == [151671, 151672, 151673])
    }

    @Test func missingVocabularyNamesTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect { try BPETokenizer(folder: folder) } throws: { error in
            (error as? SottoError)?.message.contains("vocab.json") == true
        }
    }
}
