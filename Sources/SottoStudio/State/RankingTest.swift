import Foundation

/// One blind ranking: the takes as presented, and the order the listener put them in.
public struct BlindRanking: Codable, Equatable, Sendable {
    public var date: Date
    /// Take ids in the order they were presented: sample 1 first.
    public var presented: [Int]
    /// Take ids, best first.
    public var ranking: [Int]

    public init(date: Date, presented: [Int], ranking: [Int]) {
        self.date = date
        self.presented = presented
        self.ranking = ranking
    }

    /// Every pair the ranking decides: each take preferred over every take ranked below it.
    public var comparisons: [Comparison] {
        ranking.indices.flatMap { better in
            ranking.indices.dropFirst(better + 1).map { worse in
                Comparison(first: ranking[better], second: ranking[worse], preferred: ranking[better])
            }
        }
    }
}

/// A blind ranking round: 3 to 8 takes presented as "sample 1" … "sample N" in random order,
/// played at one loudness; the listener moves them into an order, best first, and only then
/// learns which take each was.
public struct RankingTest: Equatable, Sendable {
    public static let sizes = 3...8

    public enum Phase: Equatable, Sendable {
        case listening
        case revealed(BlindRanking)
    }

    /// The takes, as picked.
    public let takes: [Int]
    /// Take ids by sample: `presented[0]` is sample 1.
    public private(set) var presented: [Int]
    /// Sample indices in the listener's order, best first.
    public private(set) var order: [Int]
    /// The row of `order` selected: the sample playing, or to play.
    public private(set) var row = 0
    public private(set) var phase = Phase.listening
    public private(set) var round = 1

    /// Nil unless there are 3 to 8 distinct takes.
    public init?<R: RandomNumberGenerator>(takes: [Int], using generator: inout R) {
        guard Self.sizes.contains(takes.count), Set(takes).count == takes.count else { return nil }
        self.takes = takes
        presented = takes.shuffled(using: &generator)
        order = Array(takes.indices)
    }

    public var isRevealed: Bool { if case .revealed = phase { return true } else { return false } }

    /// The sample (index into `presented`) selected.
    public var currentSample: Int { order[row] }

    public var currentTake: Int { presented[currentSample] }

    public mutating func selectRow(_ newRow: Int) {
        guard !isRevealed else { return }
        row = min(max(newRow, 0), order.count - 1)
    }

    /// Selects the row holding sample `index` (0 is sample 1); false when there is none.
    @discardableResult
    public mutating func selectSample(_ index: Int) -> Bool {
        guard let found = order.firstIndex(of: index) else { return false }
        selectRow(found)
        return true
    }

    /// Moves the selected sample up (negative) or down the ranking; the selection follows it.
    public mutating func moveSelected(by delta: Int) {
        guard !isRevealed else { return }
        let target = min(max(row + delta, 0), order.count - 1)
        guard target != row else { return }
        let sample = order.remove(at: row)
        order.insert(sample, at: target)
        row = target
    }

    /// Records the order as it stands and reveals the takes. Nil if this round was already decided.
    public mutating func submit(date: Date) -> BlindRanking? {
        guard !isRevealed else { return nil }
        let ranking = BlindRanking(date: date, presented: presented, ranking: order.map { presented[$0] })
        phase = .revealed(ranking)
        return ranking
    }

    /// Another round of the same takes, reshuffled.
    public mutating func nextRound<R: RandomNumberGenerator>(using generator: inout R) {
        presented = takes.shuffled(using: &generator)
        order = Array(takes.indices)
        row = 0
        phase = .listening
        round += 1
    }
}
