/// Where the sweep grid's panel, labels and cells go on a screen, and which part of a grid too
/// large for it is shown (the part holding the selected place). Shared by drawing and the mouse.
public struct SweepGridLayout: Equatable, Sendable {
    /// Lines inside the panel besides the grid's rows: the text, the column headings, the
    /// column averages, a blank, the selected take, the keys.
    static let otherLines = 6
    static let cellWidth = 16
    static let averageWidth = 6

    public var panel: Rect
    public var labelWidth: Int
    public var firstRow: Int
    public var visibleRows: Int
    public var firstColumn: Int
    public var visibleColumns: Int

    public init(screenWidth: Int, screenHeight: Int, sweep: Sweep, cursor: SweepGridCursor) {
        let longestLabel = (0..<sweep.rows).map { DisplayWidth.of(sweep.rowLabel($0)) }.max() ?? 0
        labelWidth = min(18, max(6, longestLabel)) + 1
        let wanted = 2 + 1 + labelWidth + sweep.columns * Self.cellWidth + Self.averageWidth
        let width = max(0, min(screenWidth - 2, max(64, wanted)))
        let innerWidth = max(0, width - 2)
        visibleColumns = max(1, min(sweep.columns, (innerWidth - 1 - labelWidth - Self.averageWidth) / Self.cellWidth))
        firstColumn = Self.first(showing: cursor.column, visible: visibleColumns)
        visibleRows = max(1, min(sweep.rows, screenHeight - 4 - Self.otherLines))
        firstRow = Self.first(showing: cursor.row, visible: visibleRows)
        let height = min(visibleRows + Self.otherLines + 2, max(0, screenHeight - 2))
        panel = Rect(row: max(0, (screenHeight - height) / 2), column: max(0, (screenWidth - width) / 2), width: width, height: height)
    }

    static func first(showing index: Int, visible: Int) -> Int {
        index >= visible ? index - visible + 1 : 0
    }

    public var inner: Rect { panel.inset }

    /// The screen row of a grid row shown (0 is `firstRow`).
    func screenRow(ofShown row: Int) -> Int { inner.row + 2 + row }

    /// The screen column where a shown grid column starts (0 is `firstColumn`).
    func screenColumn(ofShown column: Int) -> Int { inner.column + 1 + labelWidth + column * Self.cellWidth }

    /// The place in the grid at a screen cell, if a cell is there.
    public func place(atRow row: Int, column: Int) -> (row: Int, column: Int)? {
        let shownRow = row - screenRow(ofShown: 0)
        let offset = column - screenColumn(ofShown: 0)
        guard shownRow >= 0, shownRow < visibleRows, offset >= 0 else { return nil }
        let shownColumn = offset / Self.cellWidth
        guard shownColumn < visibleColumns, offset % Self.cellWidth < Self.cellWidth - 1 else { return nil }
        return (firstRow + shownRow, firstColumn + shownColumn)
    }
}
