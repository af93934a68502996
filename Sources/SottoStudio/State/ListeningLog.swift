import Foundation

/// What a session keeps of fair listening besides the blind A/B votes: the ABX rounds, the blind
/// rankings, and the takes picked for a ranking or a multi-take export.
public struct ListeningLog: Codable, Equatable, Sendable {
    public var abxTrials: [ABXTrial]
    public var rankings: [BlindRanking]
    /// Take ids picked with `x`, in the order picked.
    public var picked: [Int]

    public init(abxTrials: [ABXTrial] = [], rankings: [BlindRanking] = [], picked: [Int] = []) {
        self.abxTrials = abxTrials
        self.rankings = rankings
        self.picked = picked
    }

    /// Each list may be missing (written by a version that did not have it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        abxTrials = try container.decodeIfPresent([ABXTrial].self, forKey: .abxTrials) ?? []
        rankings = try container.decodeIfPresent([BlindRanking].self, forKey: .rankings) ?? []
        picked = try container.decodeIfPresent([Int].self, forKey: .picked) ?? []
    }

    /// The number the next `:abx` run gets.
    public var nextABXRun: Int { (abxTrials.map(\.run).max() ?? 0) + 1 }
}

extension SessionManifest {
    /// The listening log, empty for sessions from before it existed.
    public var listeningLog: ListeningLog {
        get { listening ?? ListeningLog() }
        set { listening = newValue }
    }
}
