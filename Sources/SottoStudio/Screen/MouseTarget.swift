/// What is under a screen cell, from the layout alone: a pane (and the row inside its frame),
/// a place in the Playback strip's waveform, or nothing the mouse acts on.
public enum MouseTarget: Equatable, Sendable {
    /// `row` counts from the first row inside the pane's border; nil on the border itself.
    case pane(Pane, row: Int?)
    /// How far along the waveform, 0 at its left edge to just under 1 at its right.
    case waveform(fraction: Double)
    case nothing

    public static func at(row: Int, column: Int, layout: StudioLayout) -> MouseTarget {
        for (pane, rect) in layout.panes where rect.contains(row: row, column: column) {
            // Single-pane mode draws no frame.
            let inner = layout.mode == .single ? rect : rect.inset
            return .pane(pane, row: inner.contains(row: row, column: column) ? row - inner.row : nil)
        }
        // Framed strips only: the one-row strip of a small terminal puts its status text first.
        let strip = layout.playback.inset
        if layout.mode != .single, strip.width > 0, strip.contains(row: row, column: column) {
            return .waveform(fraction: Double(column - strip.column) / Double(strip.width))
        }
        return .nothing
    }
}

extension Rect {
    public func contains(row: Int, column: Int) -> Bool {
        row >= self.row && row < bottom && column >= self.column && column < right
    }
}
