import Foundation

/// The sweep grid over the panes: the first axis down, the second across, each place showing
/// its take's number, where it is (queued, making, done, failed, stopped) and its stars; the
/// mean stars of each row and column; the selected take's settings.
enum SweepGrid {
    static func draw(_ context: DrawContext, canvas: Canvas) {
        let studio = context.model
        guard let sweep = studio.shownSweep else { return }
        let layout = SweepGridLayout(screenWidth: canvas.width, screenHeight: canvas.height, sweep: sweep, cursor: studio.sweepGrid)
        studio.drawn.sweepGrid = layout
        guard layout.panel.width >= 20, layout.panel.height >= 4 else { return }
        let region = Region(canvas: canvas, rect: layout.panel)
        region.clear(style: .overlay)
        let statuses = sweep.cells.map { studio.sweepStatus(of: $0) }
        let done = statuses.filter { $0 == .done }.count
        let title = "Sweep #\(sweep.id) · \(sweep.axesLabel) · \(sweep.rows)×\(sweep.columns)"
        let inner = PaneFrame.draw(region, title: title, detail: "\(done) of \(sweep.cells.count) done", focused: true, glyphs: context.glyphs)
        let local = { (row: Int) in row - inner.rect.row }
        inner.fillRow(0, DisplayWidth.truncate(" “\(Formatting.oneLine(sweep.text))” · \(sweep.modelName)", to: inner.width, ellipsis: context.glyphs.ellipsis), style: .dim)

        let cellText = SweepGridLayout.cellWidth - 1
        inner.fillRow(1, "", style: .overlay)
        for shown in 0..<layout.visibleColumns {
            let column = layout.firstColumn + shown
            let heading = DisplayWidth.truncate(sweep.columnLabel(column), to: cellText, ellipsis: context.glyphs.ellipsis)
            inner.put(heading, row: 1, column: layout.screenColumn(ofShown: shown) - inner.rect.column, style: .accent)
        }
        let averageColumn = layout.screenColumn(ofShown: layout.visibleColumns) - inner.rect.column
        inner.put("avg", row: 1, column: averageColumn, style: .accent)
        for shownRow in 0..<layout.visibleRows {
            let row = layout.firstRow + shownRow
            let screenRow = local(layout.screenRow(ofShown: shownRow))
            inner.fillRow(screenRow, " " + DisplayWidth.truncate(sweep.rowLabel(row), to: layout.labelWidth - 1, ellipsis: context.glyphs.ellipsis), style: .accent)
            for shown in 0..<layout.visibleColumns {
                let column = layout.firstColumn + shown
                guard let cell = sweep.cell(row: row, column: column) else { continue }
                let selected = row == studio.sweepGrid.row && column == studio.sweepGrid.column
                let (text, style) = describe(cell, status: studio.sweepStatus(of: cell), context: context)
                inner.put(DisplayWidth.pad(DisplayWidth.truncate(text, to: cellText), to: cellText),
                          row: screenRow, column: layout.screenColumn(ofShown: shown) - inner.rect.column,
                          style: selected ? .selection : style)
            }
            inner.put(average(sweep.averageStars(row: row)), row: screenRow, column: averageColumn, style: .dim)
        }
        let averagesRow = local(layout.screenRow(ofShown: layout.visibleRows))
        inner.fillRow(averagesRow, " avg", style: .dim)
        for shown in 0..<layout.visibleColumns {
            inner.put(average(sweep.averageStars(column: layout.firstColumn + shown)), row: averagesRow,
                      column: layout.screenColumn(ofShown: shown) - inner.rect.column, style: .dim)
        }
        if let cell = sweep.cell(row: studio.sweepGrid.row, column: studio.sweepGrid.column) {
            inner.fillRow(averagesRow + 2, DisplayWidth.truncate(" " + selectedLine(cell, studio: studio), to: inner.width, ellipsis: context.glyphs.ellipsis), style: .overlay)
        }
        let keys = " ←↑↓→ move · Enter/Space play · 1-5 stars · 0 unrate · x cancel queued · Esc back"
        inner.fillRow(averagesRow + 3, DisplayWidth.truncate(keys, to: inner.width, ellipsis: context.glyphs.ellipsis), style: .dim)
    }

    /// "✓ #12 ★★★", "· #13 queued"
    static func describe(_ cell: SweepCell, status: SweepCellStatus, context: DrawContext) -> (String, StyleRole) {
        let stars = cell.stars.map { String(repeating: "★", count: $0) }
        let playing = context.playback.isActive && context.playback.takeID == cell.takeID
        let number = "#\(cell.takeID)"
        switch status {
        case .queued: return ("· \(number) queued", .dim)
        case .making: return ("\(context.glyphs.spinnerFrame(at: context.now)) \(number) making", .accent)
        case .done:
            return ("\(playing ? context.glyphs.play : "✓") \(number) \(stars ?? "")", playing ? .playing : .success)
        case .failed: return ("\(context.glyphs.failed) \(number) \(stars ?? "failed")", .error)
        case .stopped: return ("– \(number) \(stars ?? "stopped")", .warning)
        }
    }

    static func average(_ value: Double?) -> String {
        value.map { String(format: "★%.1f", $0) } ?? ""
    }

    /// The selected place's take: its settings, or why it is not there.
    static func selectedLine(_ cell: SweepCell, studio: StudioModel) -> String {
        let status = studio.sweepStatus(of: cell)
        if let take = studio.take(cell.takeID) {
            var line = "#\(take.id) · \(take.configurationLabel) · " + Formatting.shortSeconds(take.seconds)
            if case .failed(let reason) = status { line += " · failed: \(reason)" }
            return line
        }
        if case .failed(let reason) = status { return "#\(cell.takeID) failed: \(reason)" }
        if let job = studio.jobs.first(where: { $0.takeID == cell.takeID }) {
            return "#\(cell.takeID) \(status.word) · " + job.settingsLabel
        }
        return "#\(cell.takeID) was not made (cancelled, or the studio closed first)"
    }
}

extension SynthesisJob {
    /// What a take being made will be: the model, and the settings a sweep varies.
    var settingsLabel: String {
        var parts = [model.name, settings.voice ?? (settings.voiceDescription.isEmpty ? "default voice" : "“\(settings.voiceDescription)”")]
        if settings.speed != 1 { parts.append(String(format: "×%.2f", settings.speed)) }
        if let seed { parts.append("seed \(seed)") }
        return parts.joined(separator: " · ")
    }
}
