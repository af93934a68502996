/// Lines of text broken into screen rows of at most `width` columns, at spaces where possible.
/// Widths come from `DisplayWidth`, so a row of CJK holds half as many characters as a row of
/// Latin letters and a wide character never straddles the edge.
public struct SoftWrap: Sendable {
    /// One screen row: a slice `start..<end` of line `line`.
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var start: Int
        public var end: Int
    }

    /// A position on screen: row index into `rows` and display column within it.
    public struct VisualPosition: Equatable, Sendable {
        public var row: Int
        public var column: Int
        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    public let lines: [[Character]]
    public let width: Int
    public private(set) var rows: [Row] = []

    public init(lines: [[Character]], width: Int) {
        self.lines = lines
        self.width = max(1, width)
        for (index, line) in lines.enumerated() {
            rows += Self.wrap(line, lineIndex: index, width: self.width)
        }
    }

    public func text(of row: Row) -> String { String(lines[row.line][row.start..<row.end]) }

    /// `text` as screen rows of at most `width` columns, for messages and details that must be
    /// read whole rather than cut off at the pane's edge.
    public static func rows(of text: String, width: Int) -> [String] {
        let wrap = SoftWrap(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }, width: width)
        return wrap.rows.map { row in
            var characters = wrap.lines[row.line][row.start..<row.end]
            while characters.last == " " { characters.removeLast() }
            return String(characters)
        }
    }

    /// Where the cursor at `position` appears. A cursor at a wrap point shows at the start of the
    /// next row; at the very end of a full row it shows just past it.
    public func visualPosition(of position: TextPosition) -> VisualPosition {
        let rowsOfLine = rows.indices.filter { rows[$0].line == position.line }
        guard let first = rowsOfLine.first else { return VisualPosition(row: 0, column: 0) }
        var chosen = first
        for index in rowsOfLine where rows[index].start <= position.column { chosen = index }
        let row = rows[chosen]
        let column = DisplayWidth.of(lines[row.line][row.start..<min(position.column, row.end)])
        return VisualPosition(row: chosen, column: column)
    }

    /// The text position nearest to display column `column` on screen row `row`.
    public func position(row index: Int, column: Int) -> TextPosition {
        let row = rows[max(0, min(index, rows.count - 1))]
        let isLastRowOfLine = index + 1 >= rows.count || rows[index + 1].line != row.line
        var used = 0
        var offset = row.start
        while offset < row.end {
            let width = DisplayWidth.of(lines[row.line][offset])
            if used + width > column { break }
            used += width
            offset += 1
        }
        // On a wrapped row, the last offset belongs to the next row; stay on this one.
        if offset == row.end, !isLastRowOfLine, offset > row.start { offset -= 1 }
        return TextPosition(line: row.line, column: offset)
    }

    static func wrap(_ line: [Character], lineIndex: Int, width: Int) -> [Row] {
        guard !line.isEmpty else { return [Row(line: lineIndex, start: 0, end: 0)] }
        var rows: [Row] = []
        var start = 0
        while start < line.count {
            var used = 0
            var end = start
            var lastBreak: Int?
            while end < line.count {
                let w = DisplayWidth.of(line[end])
                if used + w > width { break }
                used += w
                if line[end].isWhitespace { lastBreak = end + 1 }
                end += 1
            }
            if end < line.count {
                if !line[end].isWhitespace, let lastBreak, lastBreak > start { end = lastBreak }
                // Spaces at a wrap point hang off the row they end instead of starting the next.
                while end < line.count, line[end] == " " { end += 1 }
                if end == start { end = start + 1 }  // a character wider than the row
            }
            rows.append(Row(line: lineIndex, start: start, end: end))
            start = end
        }
        return rows
    }
}
