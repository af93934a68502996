import Foundation
import SottoCore
import Testing

/// `JSONFile.check` on both sides of the size above which a file is checked by its braces
/// instead of being parsed: a whole file passes, a file cut short or lacking the required key
/// does not.
@Suite struct JSONFileTests {
    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-json-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// A vocabulary-shaped object of about 2.5 MB.
    private var large: String {
        "{\"vocab\": {" + (0 ..< 150_000).map { "\"token\($0)\": \($0)" }.joined(separator: ", ") + "}}\n"
    }

    @Test(arguments: [false, true])
    func wholeFilesPassAndCutFilesFail(isLarge: Bool) throws {
        let text = isLarge ? large : "{\"vocab\": {\"a\": 1, \"b\": 2}}\n"
        #expect((text.utf8.count > 1 << 20) == isLarge)
        let whole = try write(text)
        defer { try? FileManager.default.removeItem(at: whole) }
        #expect(JSONFile.check(whole, requiredKey: "vocab") == .ok)
        #expect(JSONFile.check(whole, requiredKey: "merges") == .corrupt("no \"merges\" entry"))
        let cut = try write(String(text.prefix(text.count * 2 / 3)))
        defer { try? FileManager.default.removeItem(at: cut) }
        #expect(JSONFile.check(cut) == .corrupt("not valid JSON"))
    }
}
