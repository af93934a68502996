/// A canvas in memory: what the studio would show, cell by cell, for tests of layout and drawing
/// without a terminal.
public final class ScreenGrid: Canvas {
    public let width: Int
    public let height: Int
    /// One string per cell; a wide character fills its first cell and leaves "" in the second.
    private var cells: [[String]]
    private var styles: [[StyleRole]]
    public private(set) var cursor: (row: Int, column: Int)?

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: " ", count: width), count: height)
        styles = Array(repeating: Array(repeating: .text, count: width), count: height)
    }

    public func put(_ text: String, row: Int, column: Int, style: StyleRole) {
        guard row >= 0, row < height else { return }
        var x = column
        for character in text {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            guard x >= 0, x + w <= width else { break }
            cells[row][x] = String(character)
            styles[row][x] = style
            if w == 2 {
                cells[row][x + 1] = ""
                styles[row][x + 1] = style
            }
            x += w
        }
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    /// The screen as text, one string per row, trailing spaces kept.
    public var lines: [String] { cells.map { $0.joined() } }

    public var text: String { lines.joined(separator: "\n") }

    public func style(row: Int, column: Int) -> StyleRole { styles[row][column] }

    /// Every row containing `fragment`.
    public func rows(containing fragment: String) -> [Int] {
        lines.indices.filter { lines[$0].contains(fragment) }
    }
}
