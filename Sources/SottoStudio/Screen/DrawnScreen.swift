/// Where things were on the last frame, recorded as it is drawn, so a mouse click can be
/// turned into what was under it.
public struct DrawnScreen {
    /// A list's first row shown and how many rows it had.
    public struct List: Equatable, Sendable {
        public var top: Int
        public var rows: Int
    }

    public var layout: StudioLayout?
    public var lists: [Pane: List] = [:]
    /// The take the Playback strip showed and its length in seconds.
    public var stripTakeID: Int?
    public var stripSeconds: Double = 0
    /// The sweep grid, when it was drawn.
    public var sweepGrid: SweepGridLayout?

    public init() {}

    /// The index in `pane`'s list of the row `row` rows into its inside; nil below the list.
    public func listIndex(_ pane: Pane, row: Int) -> Int? {
        guard let list = lists[pane], row >= 0, row < list.rows else { return nil }
        return list.top + row
    }
}
