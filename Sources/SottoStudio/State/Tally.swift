/// Blind preference results for one model, voice or full configuration.
public struct Tally: Equatable, Sendable {
    public var label: String
    public var wins: Int
    public var losses: Int
    public var ties: Int

    public init(label: String, wins: Int, losses: Int, ties: Int) {
        self.label = label
        self.wins = wins
        self.losses = losses
        self.ties = ties
    }

    public var comparisons: Int { wins + losses + ties }
    /// Share of comparisons won, counting a tie as half.
    public var score: Double { comparisons == 0 ? 0 : (Double(wins) + Double(ties) / 2) / Double(comparisons) }

    /// Which property of a take the tally groups by.
    public enum Grouping: String, CaseIterable, Sendable {
        case model
        case voice
        case configuration

        func label(of take: Take) -> String {
            switch self {
            case .model: return take.model.name
            case .voice: return take.speakerLabel
            case .configuration: return take.configurationLabel
            }
        }
    }

    /// Tallies of `votes` grouped by `grouping`, best first. Votes between two takes that share
    /// the grouped property say nothing about it and are left out; votes naming takes that no
    /// longer exist are skipped.
    public static func tallies(of votes: [BlindVote], takes: [Int: Take], by grouping: Grouping) -> [Tally] {
        tallies(of: votes.map(\.comparison), takes: takes, by: grouping)
    }

    /// Tallies of blind comparisons (votes, and the pairs rankings decide), as above.
    public static func tallies(of comparisons: [Comparison], takes: [Int: Take], by grouping: Grouping) -> [Tally] {
        var table: [String: Tally] = [:]
        func bump(_ label: String, _ change: (inout Tally) -> Void) {
            var tally = table[label] ?? Tally(label: label, wins: 0, losses: 0, ties: 0)
            change(&tally)
            table[label] = tally
        }
        for comparison in comparisons {
            guard let a = takes[comparison.first], let b = takes[comparison.second] else { continue }
            let labelA = grouping.label(of: a), labelB = grouping.label(of: b)
            guard labelA != labelB else { continue }
            switch comparison.preferred {
            case nil:
                bump(labelA) { $0.ties += 1 }
                bump(labelB) { $0.ties += 1 }
            case comparison.first:
                bump(labelA) { $0.wins += 1 }
                bump(labelB) { $0.losses += 1 }
            default:
                bump(labelB) { $0.wins += 1 }
                bump(labelA) { $0.losses += 1 }
            }
        }
        return table.values.sorted {
            ($0.score, $0.comparisons, $1.label) > ($1.score, $1.comparisons, $0.label)
        }
    }
}
