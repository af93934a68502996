/// Somewhere the studio draws: the terminal through curses, or a grid in memory for tests.
/// Coordinates are screen cells; text is clipped at the canvas edge by display columns.
public protocol Canvas: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// Writes `text` starting at a cell; a wide character that would cross the edge is dropped.
    func put(_ text: String, row: Int, column: Int, style: StyleRole)
    /// Where the terminal cursor should show, or nil to hide it.
    func placeCursor(row: Int, column: Int)
    func hideCursor()
}

/// A rectangle of a canvas that pane drawing is confined to; coordinates are relative to it.
public struct Region {
    public let canvas: Canvas
    public let rect: Rect

    public init(canvas: Canvas, rect: Rect) {
        self.canvas = canvas
        self.rect = rect
    }

    public var width: Int { rect.width }
    public var height: Int { rect.height }

    /// Text at a row and column of the region, clipped to the region's right edge.
    public func put(_ text: String, row: Int, column: Int = 0, style: StyleRole = .text) {
        guard row >= 0, row < rect.height, column < rect.width, !text.isEmpty else { return }
        var text = text
        var column = column
        if column < 0 {
            text = Self.dropColumns(text, -column)
            column = 0
        }
        let clipped = DisplayWidth.clip(text, to: rect.width - column)
        guard !clipped.isEmpty else { return }
        canvas.put(clipped, row: rect.row + row, column: rect.column + column, style: style)
    }

    /// A full row: the text padded with spaces to the region's width, in `style`.
    public func fillRow(_ row: Int, _ text: String = "", style: StyleRole = .text) {
        put(DisplayWidth.pad(text, to: rect.width), row: row, style: style)
    }

    public func clear(style: StyleRole = .text) {
        for row in 0..<rect.height { fillRow(row, style: style) }
    }

    public func sub(_ relative: Rect) -> Region {
        let top = max(0, relative.row), left = max(0, relative.column)
        let rect = Rect(row: self.rect.row + top, column: self.rect.column + left,
                        width: min(relative.width, self.rect.width - left),
                        height: min(relative.height, self.rect.height - top))
        return Region(canvas: canvas, rect: rect)
    }

    public func placeCursor(row: Int, column: Int) {
        canvas.placeCursor(row: rect.row + min(max(row, 0), max(0, rect.height - 1)),
                           column: rect.column + min(max(column, 0), max(0, rect.width - 1)))
    }

    private static func dropColumns(_ text: String, _ columns: Int) -> String {
        var dropped = 0
        var index = text.startIndex
        while index < text.endIndex, dropped < columns {
            dropped += DisplayWidth.of(text[index])
            index = text.index(after: index)
        }
        return String(text[index...])
    }
}
