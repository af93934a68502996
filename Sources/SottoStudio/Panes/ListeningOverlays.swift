import Foundation

/// The overlays of fair listening: the ABX run, the blind ranking, two takes' settings side by
/// side, and the tallies of every blind result.
enum ListeningOverlays {
    typealias Line = Overlays.Line

    static func abx(_ context: DrawContext) -> [Line] {
        let studio = context.model
        guard let test = studio.abx else { return [] }
        let snapshot = context.playback
        guard !test.isFinished else { return abxScore(test, studio: studio) }
        var lines = [Line("Round \(test.round) of \(test.rounds). X is A or B, drawn afresh each round; all three at one loudness.", .dim), Line("")]
        for sample in ABXTest.Sample.allCases {
            let selected = test.current == sample
            // Whether X is playing is known; which take it is, is not: nothing here depends on it.
            let playing = selected && snapshot.isActive
            var text = (selected ? context.glyphs.active : " ") + " " + sample.label
            if playing { text += "  \(context.glyphs.play)" }
            lines.append(Line(text, selected ? .selection : .overlay))
        }
        lines.append(Line(""))
        lines.append(Line("a / b / x listen (switching keeps the position) · t or ←→ switch · Space play/stop"))
        lines.append(Line("A: X is A · B: X is B · Esc: stop here and see the score"))
        if !test.trials.isEmpty { lines.append(Line("\(test.trials.count) answered; the score shows when the run is over.", .dim)) }
        return lines
    }

    static func abxScore(_ test: ABXTest, studio: StudioModel) -> [Line] {
        let total = test.trials.count
        var lines = [Line("Run over: \(test.correct) of \(total) right.", .success)]
        if let p = test.pValue {
            lines.append(Line("\(BinomialTest.label(p)): the chance of \(test.correct) or more right of \(total) by guessing alone."))
            lines.append(Line(p < 0.05 ? "Below 0.05: you heard a difference." : "Not below 0.05: no difference shown (more rounds can tell).", .accent))
        } else {
            lines.append(Line("No rounds answered.", .dim))
        }
        lines.append(Line(""))
        for (slot, id) in [("A", test.takeA), ("B", test.takeB)] {
            let label = studio.take(id).map { " · " + $0.configurationLabel } ?? ""
            lines.append(Line("  \(slot) = take #\(id)\(label)"))
        }
        let rounds = test.trials.enumerated().map { index, trial in
            "\(index + 1):" + (trial.x == test.takeA ? "A" : "B") + (trial.isCorrect ? "✓" : "✗")
        }
        if !rounds.isEmpty { lines.append(Line("  X was " + rounds.joined(separator: " "), .dim)) }
        lines.append(Line(""))
        lines.append(Line("n: another run · Esc: leave (every answer is kept; :tally shows them)"))
        return lines
    }

    static func rank(_ context: DrawContext) -> [Line] {
        let studio = context.model
        guard let test = studio.ranking else { return [] }
        let snapshot = context.playback
        var lines = [Line("Round \(test.round). \(test.takes.count) takes, labels hidden, order shuffled, one loudness. Best at the top.", .dim), Line("")]
        for (row, sample) in test.order.enumerated() {
            let selected = test.row == row
            let playing = selected && snapshot.isActive && !test.isRevealed
            var text = (selected ? context.glyphs.active : " ") + " \(row + 1). Sample \(sample + 1)"
            if playing { text += "  \(context.glyphs.play)" }
            if test.isRevealed, let take = studio.take(test.presented[sample]) {
                text += "  = take #\(take.id) · \(take.configurationLabel)"
            }
            lines.append(Line(text, selected && !test.isRevealed ? .selection : .overlay))
        }
        lines.append(Line(""))
        if test.isRevealed {
            lines.append(Line("Ranking kept.", .success))
            lines.append(Line("n: another round (reshuffled) · Esc: leave (:tally shows every result)"))
        } else {
            lines.append(Line("1–\(test.takes.count) listen (switching keeps the position) · ↑↓ select · Space play/stop"))
            lines.append(Line("K / J move the selected sample up / down · Enter: this is my ranking"))
        }
        return lines
    }

    static func diff(_ context: DrawContext, first: Int, second: Int) -> [Line] {
        let studio = context.model
        guard let a = studio.take(first), let b = studio.take(second) else { return [Line("That take is gone.", .dim)] }
        let diff = TakeSettingsDiff(a, b)
        let inner = max(20, Overlays.width(context) - 3)
        let nameWidth = 12
        let column = max(6, (inner - nameWidth - 4) / 2)
        func cell(_ text: String) -> String { DisplayWidth.pad(DisplayWidth.truncate(Formatting.oneLine(text), to: column, ellipsis: context.glyphs.ellipsis), to: column) }
        let markA = a.id == studio.markA ? " (A)" : a.id == studio.markB ? " (B)" : ""
        let markB = b.id == studio.markA ? " (A)" : b.id == studio.markB ? " (B)" : ""
        var lines = [Line(DisplayWidth.pad("", to: nameWidth) + "  " + cell("take #\(a.id)\(markA)") + "  " + cell("take #\(b.id)\(markB)"), .accent)]
        for row in diff.rows {
            let marker = row.differs ? "≠" : " "
            lines.append(Line(marker + DisplayWidth.pad(row.name, to: nameWidth - 1) + "  " + cell(row.first) + "  " + cell(row.second),
                              row.differs ? .warning : .overlay))
        }
        lines.append(Line(""))
        let differing = diff.differingNames
        lines.append(Line(differing.isEmpty ? "The two takes were made alike." : "≠ marks the \(differing.count) rows that differ.", .dim))
        return lines
    }

    static func tally(_ studio: StudioModel) -> [Line] {
        let votes = studio.manifest.votes
        let log = studio.manifest.listeningLog
        guard !votes.isEmpty || !log.rankings.isEmpty || !log.abxTrials.isEmpty else {
            return [Line("No blind results yet: B (blind A/B) or :abx on takes marked A and B, or :rank on 3 to 8 picked takes.", .dim)]
        }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let counts = [(votes.count, "vote"), (log.rankings.count, "ranking"), (log.abxTrials.count, "ABX round")]
            .filter { $0.0 > 0 }.map { count($0.0, $0.1) }
        var lines = [Line(counts.joined(separator: ", ") + " in this session", .accent),
                     Line(":export-votes FILE.csv writes these tallies", .dim), Line("")]
        let table = VoteTable(manifest: studio.manifest)
        if !votes.isEmpty || !log.rankings.isEmpty {
            lines.append(Line("Preference (blind votes; a ranking counts each pair it orders; a tie counts half)", .accent))
            for (grouping, tallies) in table.preference {
                lines.append(Line(" By \(grouping.rawValue)", .accent))
                if tallies.isEmpty { lines.append(Line("  (every result compared takes of the same \(grouping.rawValue))", .dim)) }
                for tally in tallies {
                    let score = String(format: "%3.0f%%", tally.score * 100)
                    lines.append(Line("  \(score)  \(tally.wins)W \(tally.losses)L \(tally.ties)T  \(tally.label)"))
                }
            }
            lines.append(Line(""))
        }
        if !log.abxTrials.isEmpty {
            lines.append(Line("ABX (told apart; p: the chance of that score by guessing)", .accent))
            for (grouping, tallies) in table.abx {
                lines.append(Line(" By \(grouping.rawValue)", .accent))
                if tallies.isEmpty { lines.append(Line("  (every round compared takes of the same \(grouping.rawValue))", .dim)) }
                for tally in tallies {
                    lines.append(Line("  \(tally.correct)/\(tally.trials)  \(BinomialTest.label(tally.pValue))  \(tally.label)"))
                }
            }
            lines.append(Line(""))
        }
        if !votes.isEmpty {
            lines.append(Line("Votes, newest first", .accent))
            for vote in votes.reversed().prefix(30) {
                let choice = vote.preferred.map { "preferred \(vote.preferredLetter) (#\($0))" } ?? "no preference"
                lines.append(Line("  A #\(vote.takeA) vs B #\(vote.takeB): \(choice)"))
            }
        }
        if !log.rankings.isEmpty {
            lines.append(Line("Rankings, newest first", .accent))
            for ranking in log.rankings.reversed().prefix(30) {
                lines.append(Line("  " + ranking.ranking.map { "#\($0)" }.joined(separator: " > ")))
            }
        }
        return lines
    }
}
