import Foundation
import SottoCore

/// Panels over the panes: help, messages, sessions and the blind A/B test (the other listening
/// overlays are in `ListeningOverlays`).
enum Overlays {
    struct Line {
        var text: String
        var style: StyleRole = .overlay
        init(_ text: String, _ style: StyleRole = .overlay) {
            self.text = text
            self.style = style
        }
    }

    static func draw(_ overlay: Overlay, context: DrawContext, canvas: Canvas) {
        let title: String
        let lines: [Line]
        switch overlay {
        case .help: (title, lines) = ("Keys and commands", help(context))
        case .messages: (title, lines) = ("Messages", messages(context))
        case .tally: (title, lines) = ("Blind test results", ListeningOverlays.tally(context.model))
        case .abx: (title, lines) = ("ABX test", fitted(ListeningOverlays.abx(context), context: context, height: canvas.height))
        case .rank: (title, lines) = ("Blind ranking", fitted(ListeningOverlays.rank(context), context: context, height: canvas.height))
        case .diff(let first, let second): (title, lines) = ("Settings side by side", ListeningOverlays.diff(context, first: first, second: second))
        case .blind: (title, lines) = ("Blind A/B test", fitted(blind(context), context: context, height: canvas.height))
        case .sessions: (title, lines) = ("Sessions", sessions(context))
        case .sweep: return SweepGrid.draw(context, canvas: canvas)
        }
        let width = width(context)
        let height = min(lines.count + 2, canvas.height - 2)
        guard width >= 10, height >= 3 else { return }
        let rect = Rect(row: (canvas.height - height) / 2, column: (canvas.width - width) / 2, width: width, height: height)
        let region = Region(canvas: canvas, rect: rect)
        region.clear(style: .overlay)
        let visible = height - 2
        let maxScroll = max(0, lines.count - visible)
        let scroll = min(context.model.overlayScroll, maxScroll)
        context.model.overlayViewport = (rows: max(1, visible - 1), maxScroll: maxScroll)
        let detail = maxScroll > 0 ? "\(scroll + 1)-\(scroll + visible) of \(lines.count)" : ""
        let inner = PaneFrame.draw(region, title: title, detail: detail, focused: true, glyphs: context.glyphs)
        for (row, line) in lines.dropFirst(scroll).prefix(visible).enumerated() {
            // A line too long for the panel ends in an ellipsis rather than being cut off unseen.
            inner.fillRow(row, DisplayWidth.truncate(" " + line.text, to: inner.width, ellipsis: context.glyphs.ellipsis), style: line.style)
        }
    }

    /// The overlay's width on this screen, borders included.
    static func width(_ context: DrawContext) -> Int {
        min(84, context.layout.width - 2)
    }

    static func help(_ context: DrawContext) -> [Line] {
        let studio = context.model
        var current: [KeyContext] = []
        switch studio.mode {
        case .editingText: current = [.editing]
        case .commandLine, .filter, .field: current = [.line]
        case .normal:
            switch studio.focus {
            case .models: current = [.models]
            case .voices: current = [.voices]
            case .text: current = [.text]
            case .controls: current = [.controls]
            case .takes: current = [.takes]
            case .metrics: current = []
            }
            current.append(.global)
        }
        // Keys beside what they do when the overlay is wide enough; else each key above its
        // meaning, so nothing is cut off on a small terminal.
        let textWidth = width(context) - 3
        let side = textWidth >= 26 + 1 + 30
        func entry(_ label: String, _ summary: String, column: Int = 26) -> [Line] {
            if side { return [Line("  " + DisplayWidth.pad(label, to: column) + " " + summary)] }
            return [Line("  " + label)] + SoftWrap.rows(of: summary, width: max(8, textWidth - 6)).map { Line("      " + $0) }
        }
        var lines: [Line] = []
        for (keyContext, bindings) in KeyMap.helpSections(current: current) {
            lines.append(Line(keyContext.rawValue, .accent))
            for binding in bindings { lines += entry(binding.keyLabel, binding.summary) }
            lines.append(Line(""))
        }
        lines.append(Line("Commands (type : first; Tab completes)", .accent))
        for spec in CommandParser.specs {
            lines += entry(":" + spec.name + (spec.arguments.isEmpty ? "" : " " + spec.arguments), spec.summary)
        }
        lines.append(Line(""))
        lines.append(Line("Where things are", .accent))
        let resources = studio.environment.resources
        let places = [("session", studio.session.folder.path), ("models", studio.environment.modelsDirectory.path),
                      ("your themes", resources.userThemes.path), ("your presets", resources.userVoices.path),
                      ("settings", resources.configFile.path)]
        for (name, path) in places {
            if textWidth - 18 >= DisplayWidth.of(path) {
                lines += entry(name, path, column: 14)
            } else {
                lines.append(Line("  " + name))
                lines += SoftWrap.rows(of: path, width: max(8, textWidth - 4)).map { Line("    " + $0) }
            }
        }
        return lines
    }

    /// Lines wrapped to the panel's width, so no instruction is cut off; when they are more
    /// than the screen holds, the blank and introductory lines give way first.
    static func fitted(_ lines: [Line], context: DrawContext, height: Int) -> [Line] {
        let textWidth = max(8, width(context) - 3)
        func wrap(_ lines: [Line]) -> [Line] {
            lines.flatMap { line -> [Line] in
                guard DisplayWidth.of(line.text) > textWidth else { return [line] }
                let indent = String(line.text.prefix { $0 == " " })
                return SoftWrap.rows(of: line.text, width: textWidth).enumerated().map { index, row in
                    Line(index == 0 ? row : indent + row, line.style)
                }
            }
        }
        let room = max(1, height - 4)
        var result = wrap(lines)
        if result.count > room {
            result = wrap(Array(lines.dropFirst().filter { !$0.text.isEmpty }))
        }
        return result
    }

    static func sessions(_ context: DrawContext) -> [Line] {
        let studio = context.model
        let summaries = studio.sessionList
        var lines = [Line(":open NAME opens one (or starts a new one called NAME)", .dim), Line("")]
        guard !summaries.isEmpty else { return lines + [Line("No sessions yet.", .dim)] }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let nameWidth = min(28, summaries.map { DisplayWidth.of($0.id) }.max() ?? 10)
        lines.append(Line("  " + DisplayWidth.pad("session", to: nameWidth) + "  takes  last used", .accent))
        for summary in summaries {
            let isThis = summary.id == studio.manifest.id && studio.sessionIsInSessionsFolder
            let state = isThis ? "  (this one)" : summary.isBusy ? "  (open in another studio)" : ""
            let name = DisplayWidth.pad(DisplayWidth.truncate(summary.id, to: nameWidth), to: nameWidth)
            let takes = DisplayWidth.padLeft(String(summary.takes), to: 5)
            lines.append(Line((isThis ? context.glyphs.active : " ") + " \(name)  \(takes)  \(formatter.string(from: summary.lastUsed))\(state)",
                              isThis ? .accent : .overlay))
        }
        return lines
    }

    static func messages(_ context: DrawContext) -> [Line] {
        let messages = context.model.log.messages.reversed()
        guard !messages.isEmpty else { return [Line("No messages yet.", .dim)] }
        // Messages are the one place a long error can be read whole, so they wrap.
        let prefixWidth = 13
        let textWidth = max(10, width(context) - 3 - prefixWidth)
        return messages.flatMap { message in
            let age = Formatting.shortSeconds(context.now - message.at)
            let style: StyleRole = message.isError ? .error : .overlay
            let rows = SoftWrap.rows(of: message.text, width: textWidth)
            return rows.enumerated().map { index, row in
                let prefix = index == 0 ? DisplayWidth.padLeft(age, to: 7) + " ago  " : String(repeating: " ", count: prefixWidth)
                return Line(prefix + row, style)
            }
        }
    }

    static func blind(_ context: DrawContext) -> [Line] {
        let studio = context.model
        guard let test = studio.blind else { return [] }
        let snapshot = context.playback
        var lines = [Line("Round \(test.round). Two takes, labels hidden, order shuffled.", .dim), Line("")]
        for index in 0..<2 {
            let selected = test.current == index
            let playing = snapshot.isActive && snapshot.takeID == test.take(forSample: index)
            var text = (selected ? context.glyphs.active : " ") + " Sample \(index + 1)"
            if playing { text += "  \(context.glyphs.play) \(Formatting.clock(snapshot.playheadSeconds))" }
            if let letter = test.revealedLetter(forSample: index), let take = studio.take(test.take(forSample: index)) {
                text += "  = \(letter): take #\(take.id) · \(take.configurationLabel)"
            }
            lines.append(Line(text, selected ? .selection : .overlay))
        }
        lines.append(Line(""))
        switch test.phase {
        case .listening:
            lines.append(Line("1 / 2 listen (switching keeps the position) · t or ←→ switch · Space play/stop"))
            lines.append(Line("Enter: I prefer the selected sample · =: no preference"))
        case .revealed(let vote):
            let pickedSample = vote.preferred.flatMap { vote.order.firstIndex(of: $0) }.map { "sample \($0 + 1)" }
            let verdict = vote.preferred == nil ? "You had no preference." : "You preferred \(pickedSample ?? "?"), which is \(vote.preferredLetter)."
            lines.append(Line(verdict, .success))
            lines.append(Line("n: another round (reshuffled) · Esc: leave (votes are kept; :tally shows them)"))
        }
        let takes = Dictionary(studio.takes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let votes = studio.manifest.votes.filter { Set([$0.takeA, $0.takeB]) == Set([test.takeA, test.takeB]) }
        if test.isRevealed, !votes.isEmpty {
            let forA = votes.filter { $0.preferred == test.takeA }.count
            let forB = votes.filter { $0.preferred == test.takeB }.count
            lines.append(Line(""))
            lines.append(Line("These two takes: A \(forA) · B \(forB) · no preference \(votes.count - forA - forB)", .accent))
            for tally in Tally.tallies(of: studio.manifest.votes, takes: takes, by: .configuration).prefix(4) {
                lines.append(Line(String(format: "  %3.0f%%  ", tally.score * 100) + "\(tally.wins)W \(tally.losses)L \(tally.ties)T  \(tally.label)", .dim))
            }
        }
        return lines
    }
}
