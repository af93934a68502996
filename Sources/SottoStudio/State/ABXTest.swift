import Foundation

/// One answered ABX round: which take X was, and which the listener said it was.
public struct ABXTrial: Codable, Equatable, Sendable {
    public var date: Date
    /// The `:abx` run the round belongs to (1 for the session's first run).
    public var run: Int
    public var takeA: Int
    public var takeB: Int
    /// The take X played: A's or B's.
    public var x: Int
    /// The take the listener named as X.
    public var answer: Int

    public init(date: Date, run: Int, takeA: Int, takeB: Int, x: Int, answer: Int) {
        self.date = date
        self.run = run
        self.takeA = takeA
        self.takeB = takeB
        self.x = x
        self.answer = answer
    }

    public var isCorrect: Bool { x == answer }
}

/// An ABX run: A and B are known, X is one of them drawn afresh each round, and the listener
/// says which. Nothing about X is shown until the run is over; then the score and how likely it
/// is by guessing.
public struct ABXTest: Equatable, Sendable {
    public enum Sample: Int, CaseIterable, Sendable {
        case a, b, x

        public var label: String {
            switch self {
            case .a: "A"
            case .b: "B"
            case .x: "X"
            }
        }
    }

    public static let defaultRounds = 10
    public static let roundLimit = 1...100

    public let takeA: Int
    public let takeB: Int
    public let run: Int
    public let rounds: Int
    /// The take X plays this round.
    private var x: Int
    /// The sample selected: the one playing, or to play.
    public private(set) var current = Sample.a
    /// The round being listened to, from 1.
    public private(set) var round = 1
    /// This run's answers, in order.
    public private(set) var trials: [ABXTrial] = []
    /// Over: every round answered, or stopped early.
    public private(set) var isFinished = false

    public init<R: RandomNumberGenerator>(takeA: Int, takeB: Int, rounds: Int, run: Int, using generator: inout R) {
        self.takeA = takeA
        self.takeB = takeB
        self.rounds = rounds
        self.run = run
        x = Bool.random(using: &generator) ? takeA : takeB
    }

    public func take(for sample: Sample) -> Int {
        switch sample {
        case .a: takeA
        case .b: takeB
        case .x: x
        }
    }

    public var currentTake: Int { take(for: current) }

    public mutating func select(_ sample: Sample) {
        guard !isFinished else { return }
        current = sample
    }

    /// A → B → X → A.
    public mutating func cycle(by step: Int) {
        let all = Sample.allCases
        select(all[(current.rawValue + step % all.count + all.count) % all.count])
    }

    /// Records that the listener heard X as `answer` (A or B), then draws the next round's X or
    /// ends the run. Nil once the run is over.
    public mutating func answer<R: RandomNumberGenerator>(_ answer: ABSlot, date: Date, using generator: inout R) -> ABXTrial? {
        guard !isFinished else { return nil }
        let trial = ABXTrial(date: date, run: run, takeA: takeA, takeB: takeB, x: x, answer: answer == .a ? takeA : takeB)
        trials.append(trial)
        current = .a
        if trials.count >= rounds {
            isFinished = true
        } else {
            round += 1
            x = Bool.random(using: &generator) ? takeA : takeB
        }
        return trial
    }

    /// Ends the run before its last round (the answers so far count).
    public mutating func finish() {
        isFinished = true
    }

    public var correct: Int { trials.filter(\.isCorrect).count }

    /// The chance of this score or better by guessing; nil before the first answer.
    public var pValue: Double? {
        trials.isEmpty ? nil : BinomialTest.pValue(correct: correct, trials: trials.count)
    }
}
