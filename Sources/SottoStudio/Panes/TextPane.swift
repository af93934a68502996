/// The text to speak, soft-wrapped, with the cursor while editing and the word being played
/// highlighted.
enum TextPane {
    static func draw(_ context: DrawContext, region: Region, spoken: [TextPosition] = []) {
        let studio = context.model
        let editing = studio.mode == .editingText && studio.overlay == nil
        let count = studio.text.characterCount
        let title = editing ? "Text · editing" : "Text"
        let bordered = context.layout.mode != .single
        let innerWidth = region.width - (bordered ? 2 : 0)
        let innerHeight = region.height - (bordered ? 2 : 0)
        guard innerWidth > 0, innerHeight > 0 else { return }
        // One column is kept free so the cursor fits after a full row.
        let wrap = SoftWrap(lines: studio.text.lines, width: max(1, innerWidth - 1))
        let cursor = wrap.visualPosition(of: studio.text.cursor)
        var top = min(studio.textTopRow, max(0, wrap.rows.count - 1))
        if cursor.row < top { top = cursor.row }
        if cursor.row >= top + innerHeight { top = cursor.row - innerHeight + 1 }
        studio.textTopRow = top
        var detail = "\(count) char\(count == 1 ? "" : "s")"
        if wrap.rows.count > innerHeight {
            detail += " · rows \(top + 1)-\(min(wrap.rows.count, top + innerHeight))/\(wrap.rows.count)"
        }
        let inner = context.frame(region, pane: .text, title: title, detail: detail)
        studio.textViewport = (max(1, inner.width - 1), inner.height)
        if studio.text.isEmpty && !editing {
            inner.put(DisplayWidth.truncate("Press i (or Enter here) and type what to say;", to: inner.width), row: 0, style: .dim)
            if inner.height > 1 {
                inner.put(DisplayWidth.truncate("Esc stops editing, s synthesizes.", to: inner.width), row: 1, style: .dim)
            }
            return
        }
        for row in 0..<inner.height {
            let index = top + row
            guard index < wrap.rows.count else { break }
            inner.put(wrap.text(of: wrap.rows[index]), row: row, style: .text)
        }
        for position in spoken where studio.text.lines.indices.contains(position.line) {
            let line = studio.text.lines[position.line]
            guard position.column < line.count else { continue }
            let visual = wrap.visualPosition(of: position)
            guard visual.row >= top, visual.row - top < inner.height else { continue }
            inner.put(String(line[position.column]), row: visual.row - top, column: visual.column, style: .playing)
        }
        if editing {
            let row = cursor.row - top
            let column = min(cursor.column, inner.width - 1)
            let under = characterUnderCursor(studio.text)
            inner.put(under, row: row, column: column, style: .selection)
            inner.placeCursor(row: row, column: column)
        }
    }

    /// The character at the cursor (a space at the end of a line), drawn highlighted so the
    /// cursor is visible even where the terminal cursor is not.
    static func characterUnderCursor(_ buffer: TextBuffer) -> String {
        let line = buffer.lines[buffer.cursor.line]
        return buffer.cursor.column < line.count ? String(line[buffer.cursor.column]) : " "
    }
}
