import Foundation

/// The session's blind results as a table: preference (blind A/B votes and the pairs rankings
/// decide) and ABX discrimination, each by model, voice and configuration. Drawn by `:tally` and
/// written by `:export-votes`.
public struct VoteTable: Sendable {
    public var preference: [(Tally.Grouping, [Tally])]
    public var abx: [(Tally.Grouping, [ABXTally])]

    public init(manifest: SessionManifest) {
        let takes = Dictionary(manifest.takes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let log = manifest.listeningLog
        let comparisons = manifest.votes.map(\.comparison) + log.rankings.flatMap(\.comparisons)
        preference = Tally.Grouping.allCases.map { ($0, Tally.tallies(of: comparisons, takes: takes, by: $0)) }
        abx = Tally.Grouping.allCases.map { ($0, ABXTally.tallies(of: log.abxTrials, takes: takes, by: $0)) }
    }

    public static let csvHeader = ["test", "grouping", "label", "wins", "losses", "ties", "score", "correct", "trials", "p_value"]

    /// One row per tally: preference rows fill wins to score, ABX rows correct to p_value.
    public var csv: String {
        var rows = [Self.csvHeader]
        for (grouping, tallies) in preference {
            for tally in tallies {
                rows.append(["preference", grouping.rawValue, Self.inertText(tally.label), String(tally.wins), String(tally.losses),
                             String(tally.ties), String(format: "%.4f", tally.score), "", "", ""])
            }
        }
        for (grouping, tallies) in abx {
            for tally in tallies {
                rows.append(["abx", grouping.rawValue, Self.inertText(tally.label), "", "", "", "", String(tally.correct),
                             String(tally.trials), String(format: "%.6g", tally.pValue)])
            }
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A label (model, voice or setting names the user typed) that a spreadsheet shows as text:
    /// one starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula,
    /// so it gets a leading apostrophe, which spreadsheets hide. Numbers are never passed here.
    public static func inertText(_ label: String) -> String {
        guard let first = label.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return label }
        return "'" + label
    }

    /// A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
    public static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
