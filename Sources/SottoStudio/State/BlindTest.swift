import Foundation

/// One recorded blind choice between the takes marked A and B.
public struct BlindVote: Codable, Equatable, Sendable {
    public var date: Date
    public var takeA: Int
    public var takeB: Int
    /// The two take ids in the order they were presented: sample 1 first.
    public var order: [Int]
    /// The take the listener preferred, or nil for no preference.
    public var preferred: Int?

    public init(date: Date, takeA: Int, takeB: Int, order: [Int], preferred: Int?) {
        self.date = date
        self.takeA = takeA
        self.takeB = takeB
        self.order = order
        self.preferred = preferred
    }

    /// "A", "B" or "no preference", for the reveal.
    public var preferredLetter: String {
        guard let preferred else { return "no preference" }
        return preferred == takeA ? "A" : "B"
    }
}

/// A blind A/B round: the two takes are presented as "sample 1" and "sample 2" in random order;
/// the listener switches between them, picks one (or no preference), and only then learns which
/// was A and which B. Another round reshuffles.
public struct BlindTest: Equatable, Sendable {
    public enum Choice: Equatable, Sendable {
        case sample(Int)
        case noPreference
    }

    public enum Phase: Equatable, Sendable {
        case listening
        case revealed(BlindVote)
    }

    public let takeA: Int
    public let takeB: Int
    /// Take ids by sample: `order[0]` is sample 1.
    public private(set) var order: [Int]
    /// The sample selected (0 or 1): the one playing, or to play.
    public private(set) var current = 0
    public private(set) var phase = Phase.listening
    /// How many rounds this test has run, counting the current one.
    public private(set) var round = 1

    public init<R: RandomNumberGenerator>(takeA: Int, takeB: Int, using generator: inout R) {
        self.takeA = takeA
        self.takeB = takeB
        order = Bool.random(using: &generator) ? [takeA, takeB] : [takeB, takeA]
    }

    public var isRevealed: Bool { if case .revealed = phase { return true } else { return false } }

    public func take(forSample index: Int) -> Int { order[index] }

    public var currentTake: Int { order[current] }

    /// "A" or "B" for a sample, available only after the vote.
    public func revealedLetter(forSample index: Int) -> String? {
        guard isRevealed else { return nil }
        return order[index] == takeA ? "A" : "B"
    }

    public mutating func select(_ index: Int) {
        guard !isRevealed, index == 0 || index == 1 else { return }
        current = index
    }

    public mutating func toggle() {
        select(1 - current)
    }

    /// Records the listener's choice and reveals the labels. Returns the vote to keep, or nil if
    /// this round was already decided.
    public mutating func vote(_ choice: Choice, date: Date) -> BlindVote? {
        guard !isRevealed else { return nil }
        let preferred: Int?
        switch choice {
        case .sample(let index):
            guard index == 0 || index == 1 else { return nil }
            preferred = order[index]
        case .noPreference:
            preferred = nil
        }
        let vote = BlindVote(date: date, takeA: takeA, takeB: takeB, order: order, preferred: preferred)
        phase = .revealed(vote)
        return vote
    }

    /// Starts another round with a fresh random order.
    public mutating func nextRound<R: RandomNumberGenerator>(using generator: inout R) {
        order = Bool.random(using: &generator) ? [takeA, takeB] : [takeB, takeA]
        current = 0
        phase = .listening
        round += 1
    }
}
