import Foundation
import SottoCore
import SottoKernels

/// Qwen2-style byte-level BPE: NFC normalisation, added tokens matched verbatim before anything
/// else, the Qwen2 pre-tokenizer split, then merges by rank. Reproduces the ids of the
/// reference tokenizer for the vocabulary files a Qwen3-TTS folder carries.
public final class BPETokenizer: @unchecked Sendable {
    public let vocabulary: [String: Int]
    private let mergeRanks: [MergePair: Int]
    /// Added tokens (content → id), matched longest first.
    public let addedTokens: [String: Int]
    private let addedTokensByLength: [(scalars: [Unicode.Scalar], id: Int)]
    private var cache: [String: [Int]] = [:]
    private let cacheLock = NSLock()

    struct MergePair: Hashable {
        let left: String
        let right: String
    }

    /// The tokens Qwen3-TTS adds beyond the Qwen3 text vocabulary. A model folder's
    /// tokenizer_config.json lists them; these fill in when it is absent or older.
    public static let qwen3TTSAddedTokens: [String: Int] = [
        "<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645,
        "<|audio_start|>": 151669, "<|audio_end|>": 151670, "<tts_pad>": 151671,
        "<tts_text_bos>": 151672, "<tts_text_eod>": 151673, "<tts_text_bos_single>": 151674,
        "<|audio_pad|>": 151675,
    ]

    public init(vocabulary: [String: Int], merges: [(String, String)], addedTokens: [String: Int]) {
        self.vocabulary = vocabulary
        var ranks: [MergePair: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (rank, pair) in merges.enumerated() where ranks[MergePair(left: pair.0, right: pair.1)] == nil {
            ranks[MergePair(left: pair.0, right: pair.1)] = rank
        }
        mergeRanks = ranks
        self.addedTokens = addedTokens
        addedTokensByLength = addedTokens.map { (Array($0.key.unicodeScalars), $0.value) }
            .sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.1 < $1.1 }
    }

    /// Loads `vocab.json` and `merges.txt` from `folder`, plus the added tokens of its
    /// `tokenizer_config.json` when there is one.
    public convenience init(folder: URL) throws {
        let vocabURL = folder.appendingPathComponent("vocab.json")
        let mergesURL = folder.appendingPathComponent("merges.txt")
        Self.ensureRoomToParse([vocabURL, mergesURL])
        guard let vocabData = try? Data(contentsOf: vocabURL) else {
            throw SottoError("cannot read the tokenizer vocabulary \(vocabURL.path)",
                             hint: "the model folder needs vocab.json and merges.txt")
        }
        guard let vocabulary = VocabularyFile.parse(vocabData), !vocabulary.isEmpty else {
            throw SottoError("the tokenizer vocabulary \(vocabURL.path) is not a JSON map of tokens to ids")
        }
        guard let mergesData = try? Data(contentsOf: mergesURL) else {
            throw SottoError("cannot read the tokenizer merges \(mergesURL.path)",
                             hint: "the model folder needs vocab.json and merges.txt")
        }
        let merges = try Self.parseMerges(mergesData, path: mergesURL.path)
        var added = Self.qwen3TTSAddedTokens
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        if let data = try? Data(contentsOf: configURL) {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SottoError("the tokenizer configuration \(configURL.path) is not valid JSON")
            }
            for (key, value) in (object["added_tokens_decoder"] as? [String: Any]) ?? [:] {
                if let id = Int(key), let content = (value as? [String: Any])?["content"] as? String {
                    added[content] = id
                }
            }
        }
        self.init(vocabulary: vocabulary, merges: merges, addedTokens: added)
    }

    /// Reading the merges into pairs of strings and a dictionary has Swift arrays grow, and an
    /// array that cannot grow traps; under an address-space limit the room is checked first.
    /// Measured for Qwen3's files (4.6 MB): the address space grows by 30 MB at the peak, 6.5
    /// times the files' size, and keeps 17 MB.
    private static func ensureRoomToParse(_ files: [URL]) {
        let bytes = files.reduce(0) { total, url in
            // The size of the file itself: a model folder may link to shared tokenizer files.
            total + ((try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)[.size] as? Int) ?? 0)
        }
        MemoryShortage.ensureRoom(for: 8 * bytes, to: "read the tokenizer in \(files[0].deletingLastPathComponent().path)",
                                  slack: 4 << 20)
    }

    static func parseMerges(_ data: Data, path: String) throws -> [(String, String)] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw SottoError("the tokenizer merges \(path) are not UTF-8 text")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(160_000)
        // Lines may end in CRLF; "\r\n" is a single Character in Swift, so split on both.
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else {
                if line.allSatisfy(\.isWhitespace) { continue }
                throw SottoError("the tokenizer merges \(path) have a malformed line: \(line.prefix(40))")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        guard !merges.isEmpty else { throw SottoError("the tokenizer merges \(path) are empty") }
        return merges
    }

    /// The ids of `text`; added tokens written in the text (e.g. `<|im_start|>`) become their ids.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var plainStart = 0
        var i = 0
        while i < scalars.count {
            if let (length, id) = addedToken(in: scalars, at: i) {
                if plainStart < i { encodePlain(scalars[plainStart ..< i], into: &ids) }
                ids.append(id)
                i += length
                plainStart = i
            } else {
                i += 1
            }
        }
        if plainStart < scalars.count { encodePlain(scalars[plainStart ..< scalars.count], into: &ids) }
        return ids
    }

    private func addedToken(in scalars: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        guard scalars[i] == "<" else { return nil }  // every added token starts with "<"
        for (token, id) in addedTokensByLength where i + token.count <= scalars.count {
            if scalars[i ..< i + token.count].elementsEqual(token) { return (token.count, id) }
        }
        return nil
    }

    private func encodePlain(_ scalars: ArraySlice<Unicode.Scalar>, into ids: inout [Int]) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let normalized = String(view).precomposedStringWithCanonicalMapping
        for piece in Qwen2PreTokenizer.split(normalized) {
            ids.append(contentsOf: encodeWord(ByteLevelAlphabet.encode(String(piece).utf8)))
        }
    }

    private func encodeWord(_ word: String) -> [Int] {
        cacheLock.lock()
        if let hit = cache[word] { cacheLock.unlock(); return hit }
        cacheLock.unlock()
        var symbols = word.map { String($0) }
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for k in 0 ..< symbols.count - 1 {
                if let rank = mergeRanks[MergePair(left: symbols[k], right: symbols[k + 1])],
                   best == nil || rank < best!.rank {
                    best = (rank, k)
                }
            }
            guard let (_, index) = best else { break }
            let left = symbols[index], right = symbols[index + 1]
            // Merge every occurrence of the best pair in one pass, left to right.
            var merged: [String] = []
            merged.reserveCapacity(symbols.count)
            var k = 0
            while k < symbols.count {
                if k + 1 < symbols.count, symbols[k] == left, symbols[k + 1] == right {
                    merged.append(left + right)
                    k += 2
                } else {
                    merged.append(symbols[k])
                    k += 1
                }
            }
            symbols = merged
        }
        // Byte-level vocabularies hold every single byte, so an unknown symbol means a broken file.
        let ids = symbols.map { vocabulary[$0] ?? 0 }
        cacheLock.lock()
        if cache.count > 50_000 { cache.removeAll(keepingCapacity: true) }
        cache[word] = ids
        cacheLock.unlock()
        return ids
    }
}
