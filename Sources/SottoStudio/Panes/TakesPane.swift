import SottoMetrics

/// The session's takes, oldest first, with the A and B marks, what is playing, and the takes
/// being synthesized at the end.
enum TakesPane {
    static func draw(_ context: DrawContext, region: Region) {
        let studio = context.model
        let rows = studio.takeRows
        var detail = ""
        if !context.isBlind {
            detail = [studio.markA.map { "A #\($0)" }, studio.markB.map { "B #\($0)" }].compactMap { $0 }.joined(separator: " ")
        }
        var title = "Takes (\(studio.takes.count))"
        let pickedCount = studio.pickedTakes.count
        if pickedCount > 0, !context.isBlind { detail += (detail.isEmpty ? "" : " ") + "\(context.glyphs.picked)\(pickedCount)" }
        if !studio.takeFilter.isEmpty {
            let shown = rows.filter { if case .saved = $0 { return true } else { return false } }.count
            title = "Takes (\(shown) of \(studio.takes.count)) /\(studio.takeFilter.text)"
        }
        let inner = context.frame(region, pane: .takes, title: title, detail: detail)
        guard inner.height > 0 else { return }
        if context.isBlind {
            inner.put("Hidden during the blind test.", row: 0, style: .dim)
            return
        }
        let filterLine = context.filterLine(for: .takes)
        let previewRows = inner.height >= 5 && !rows.isEmpty ? 1 : 0
        let listRows = inner.height - previewRows - (filterLine == nil ? 0 : 1)
        if rows.isEmpty {
            inner.put(studio.takes.isEmpty ? "No takes yet: s synthesizes." : "Nothing matches the filter.", row: 0, style: .dim)
        }
        var cursor = studio.takeCursor
        cursor.scroll(visibleRows: max(1, listRows), count: rows.count)
        studio.drawn.lists[.takes] = DrawnScreen.List(top: cursor.top, rows: max(0, listRows))
        for row in 0..<max(0, listRows) {
            let index = cursor.top + row
            guard index < rows.count else { break }
            let selected = index == studio.takeCursor.index
            let focusedStyle: StyleRole = context.isFocused(.takes) ? .selection : .selectionInactive
            switch rows[index] {
            case .saved(let take):
                drawTake(take, row: row, in: inner, selected: selected, selectedStyle: focusedStyle, context: context)
            case .pending(let job):
                let text = pendingLine(job, width: inner.width, context: context)
                inner.fillRow(row, text, style: selected ? focusedStyle : .accent)
            }
        }
        if let filterLine {
            inner.fillRow(inner.height - 1 - previewRows, "/" + filterLine, style: .input)
        }
        if previewRows == 1, let row = studio.selectedTakeRow {
            let text: String
            switch row {
            case .saved(let take): text = take.text
            case .pending(let job): text = job.text
            }
            inner.fillRow(inner.height - 1, DisplayWidth.truncate("“" + Formatting.oneLine(text) + "”", to: inner.width), style: .dim)
        }
    }

    static func drawTake(_ take: Take, row: Int, in region: Region, selected: Bool, selectedStyle: StyleRole,
                         context: DrawContext) {
        let studio = context.model
        let mark = take.id == studio.markA ? "A" : take.id == studio.markB ? "B" : " "
        let playing = context.playback.takeID == take.id && context.playback.isActive
        let id = "#\(take.id)"
        var right = Formatting.shortSeconds(take.seconds)
        if region.width >= 34, let rtf = take.metrics.realTimeFactor.rtf { right += String(format: " %5.2f", rtf) }
        switch take.outcome {
        case .complete: break
        case .cancelled: right = "cut " + right
        case .failed: right = "err " + right
        }
        let picked = studio.isPicked(take.id) ? context.glyphs.picked : " "
        let prefix = mark + (playing ? context.glyphs.play : " ") + picked + DisplayWidth.pad(id, to: 4) + " "
        let labelWidth = max(1, region.width - DisplayWidth.of(prefix) - DisplayWidth.of(right) - 1)
        var who = take.voiceName == take.model.name ? take.model.name : take.voiceName + " · " + take.model.name
        if take.settings.speed != 1 { who = context.glyphs.times + Formatting.speed(take.settings.speed) + " " + who }
        if let precision = take.settings.precision { who = precision.rawValue + " " + who }
        let label = DisplayWidth.pad(DisplayWidth.truncate(who, to: labelWidth), to: labelWidth)
        let style: StyleRole = selected ? selectedStyle : (playing ? .playing : .text)
        region.fillRow(row, prefix + label + " " + right, style: style)
        if !selected, mark != " " {
            region.put(mark, row: row, column: 0, style: mark == "A" ? .markA : .markB)
        }
        if !selected, take.outcome != .complete {
            region.put(right, row: row, column: region.width - DisplayWidth.of(right), style: .warning)
        }
    }

    static func pendingLine(_ job: SynthesisJob, width: Int, context: DrawContext) -> String {
        let progress = job.progress
        let spinner = context.glyphs.spinnerFrame(at: context.now)
        var state: String
        switch progress.phase {
        case .queued: state = "queued"
        case .loadingModel: state = "loading \(job.model.name)"
        case .synthesizing: state = "synthesizing " + Formatting.shortSeconds(progress.audioSeconds)
        case .saving, .finished: state = "saving"
        }
        if job.cancellation.isCancelled && progress.phase != .saving { state = "cancelling" }
        let elapsed = Formatting.shortSeconds(context.now - job.requestedAt)
        let left = " " + spinner + " " + DisplayWidth.pad("#\(job.takeID)", to: 4) + " " + state
        let room = width - DisplayWidth.of(left) - DisplayWidth.of(elapsed) - 1
        return room > 0 ? left + String(repeating: " ", count: room + 1) + elapsed : left
    }
}
