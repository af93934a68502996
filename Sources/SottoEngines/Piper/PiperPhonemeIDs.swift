import Foundation
import Piper

/// Phonemes to model ids exactly as piper does it: the string is decomposed (NFD) and split into
/// code points, so `n̩` is `n` then U+0329; runs listed in the voice's `vowel_clusters` are
/// merged into one phoneme; then `^`, `_`, each known phoneme followed by `_`, and `$`. Phonemes
/// the voice's map lacks are left out (and reported).
public struct PiperPhonemeIDs: Sendable {
    let map: [String: [Int]]
    let clusters: [[String]]
    let longestCluster: Int

    public init(config: PiperConfig) {
        map = config.phonemeIdMap
        let clusters = (config.vowelClusters ?? []).filter { $0.count > 1 }
        self.clusters = clusters.sorted { $0.count > $1.count }
        longestCluster = clusters.map(\.count).max() ?? 0
    }

    /// The phonemes piper looks up: NFD code points, clusters merged.
    public func phonemes(_ text: String) -> [String] {
        let points = text.decomposedStringWithCanonicalMapping.unicodeScalars.map { String($0) }
        guard longestCluster > 1 else { return points }
        var merged: [String] = []
        var i = 0
        while i < points.count {
            // The longest cluster starting here wins, as in piper.
            let match = clusters.first { cluster in
                cluster.count <= points.count - i && Array(points[i ..< i + cluster.count]) == cluster
            }
            if let match {
                merged.append(match.joined())
                i += match.count
            } else {
                merged.append(points[i])
                i += 1
            }
        }
        return merged
    }

    /// The ids for one sentence's phoneme string and the phonemes that had none.
    public func ids(for text: String) -> (ids: [Int], missing: [String]) {
        let pad = map["_"] ?? [0]
        var ids = (map["^"] ?? [1]) + pad
        var missing: [String] = []
        for phoneme in phonemes(text) {
            guard let known = map[phoneme] else {
                missing.append(phoneme)
                continue
            }
            ids += known
            ids += pad
        }
        ids += map["$"] ?? [2]
        return (ids, missing)
    }

    /// The ids before the first phoneme's: `^` and a pad.
    public var leadingCount: Int { (map["^"]?.count ?? 1) + (map["_"]?.count ?? 1) }

    /// The ids a phoneme takes, the pad after it included; 0 for one the voice lacks.
    public func idCount(of phoneme: String) -> Int {
        map[phoneme].map { $0.count + (map["_"]?.count ?? 1) } ?? 0
    }

    /// Ids for boundaries and pads alone: what an empty sentence gives.
    public var emptyCount: Int { (map["^"]?.count ?? 1) + (map["_"]?.count ?? 1) + (map["$"]?.count ?? 1) }
}
