/// Which sweep the grid shows and the place selected in it.
public struct SweepGridCursor: Equatable, Sendable {
    /// Nil: the newest sweep.
    public var sweepID: Int?
    public private(set) var row = 0
    public private(set) var column = 0

    public init() {}

    /// Shows `sweepID` from its first place.
    public mutating func show(_ sweepID: Int?) {
        self.sweepID = sweepID
        row = 0
        column = 0
    }

    /// Moves within a `rows` × `columns` grid, stopping at its edges.
    public mutating func move(rows deltaRows: Int, columns deltaColumns: Int, in size: (rows: Int, columns: Int)) {
        row = min(max(row + deltaRows, 0), max(0, size.rows - 1))
        column = min(max(column + deltaColumns, 0), max(0, size.columns - 1))
    }

    public mutating func select(row: Int, column: Int, in size: (rows: Int, columns: Int)) {
        self.row = 0
        self.column = 0
        move(rows: row, columns: column, in: size)
    }
}
