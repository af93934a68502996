/// ABX results for one pair of models, voices or configurations: how often the listener told
/// them apart, and how likely that is by guessing.
public struct ABXTally: Equatable, Sendable {
    /// "m1 vs m2", the two labels in alphabetical order.
    public var label: String
    public var correct: Int
    public var trials: Int

    public init(label: String, correct: Int, trials: Int) {
        self.label = label
        self.correct = correct
        self.trials = trials
    }

    public var pValue: Double { BinomialTest.pValue(correct: correct, trials: trials) ?? 1 }

    /// Tallies of `trials` per pair of labels under `grouping`, the most trials first. Rounds
    /// between takes that share the grouped property say nothing about it and are left out, as
    /// are rounds naming takes that no longer exist.
    public static func tallies(of trials: [ABXTrial], takes: [Int: Take], by grouping: Tally.Grouping) -> [ABXTally] {
        var table: [String: ABXTally] = [:]
        for trial in trials {
            guard let a = takes[trial.takeA], let b = takes[trial.takeB] else { continue }
            let labels = [grouping.label(of: a), grouping.label(of: b)].sorted()
            guard labels[0] != labels[1] else { continue }
            let label = labels.joined(separator: " vs ")
            var tally = table[label] ?? ABXTally(label: label, correct: 0, trials: 0)
            tally.trials += 1
            if trial.isCorrect { tally.correct += 1 }
            table[label] = tally
        }
        return table.values.sorted { ($0.trials, $1.label) > ($1.trials, $0.label) }
    }
}
