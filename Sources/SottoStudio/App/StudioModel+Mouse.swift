import Foundation

/// The mouse, where the terminal reports it: a click focuses the pane under it and selects the
/// row clicked (a second click on the selected row acts as Enter); a click in the Playback
/// strip plays the take shown from that point; the wheel moves in the list under it.
extension StudioModel {
    public func handleMouse(_ event: MouseEvent) {
        if let overlay {
            handleOverlayMouse(event, overlay)
            return
        }
        // Typing a command, a filter or a field: the mouse waits until it is done.
        guard mode == .normal || mode == .editingText, let layout = drawn.layout else { return }
        let target = MouseTarget.at(row: event.row, column: event.column, layout: layout)
        switch (event.action, target) {
        case (.press, .pane(let pane, let row)):
            if mode == .editingText {
                guard pane != .text else { return }
                perform(.leaveEditing)
            }
            let wasFocused = focus == pane
            focus = pane
            if let row { click(row: row, in: pane, wasFocused: wasFocused) }
        case (.press, .waveform(let fraction)):
            playShownTake(at: fraction)
        case (.wheelUp, .pane(let pane, _)), (.wheelDown, .pane(let pane, _)):
            guard mode == .normal else { return }
            focus = pane
            moveSelection(by: event.action == .wheelUp ? -Self.wheelRows : Self.wheelRows)
        default:
            break
        }
    }

    static let wheelRows = 3

    /// A click `row` rows into a pane: selects that row; clicking the selected row of a focused
    /// pane again does what Enter does there.
    func click(row: Int, in pane: Pane, wasFocused: Bool) {
        switch pane {
        case .models, .voices, .takes:
            guard let index = drawn.listIndex(pane, row: row) else { return }
            let current = pane == .models ? modelCursor.index : pane == .voices ? voiceCursor.index : takeCursor.index
            if index == current {
                if wasFocused { activate() }
                return
            }
            switch pane {
            case .models: modelCursor.set(index, count: visibleModels.count)
            case .voices:
                let rows = voiceRows
                guard rows.indices.contains(index), rows[index].isSelectable else { return }
                voiceCursor.set(index, count: rows.count)
            default:
                takeCursor.set(index, count: takeRows.count)
                prefetchSelectedTake()
            }
        case .controls:
            guard row < controlFields.count else { return }
            if row == controlIndex, wasFocused { activate() } else { controlIndex = row }
        case .text:
            if wasFocused { mode = .editingText }
        case .metrics:
            break
        }
    }

    /// Plays the take the Playback strip shows from `fraction` of its length.
    func playShownTake(at fraction: Double) {
        guard let takeID = drawn.stripTakeID, drawn.stripSeconds > 0 else { return }
        sayPlaybackTroubleAgain()
        play(takeID: takeID, from: .seconds(min(max(fraction, 0), 1) * drawn.stripSeconds))
    }

    func handleOverlayMouse(_ event: MouseEvent, _ overlay: Overlay) {
        switch (overlay, event.action) {
        case (.sweep, .press):
            guard let place = drawn.sweepGrid?.place(atRow: event.row, column: event.column) else { return }
            if place.row == sweepGrid.row, place.column == sweepGrid.column {
                playSweepCell()
            } else {
                selectSweepCell(row: place.row, column: place.column)
            }
        case (.sweep, .wheelUp), (.sweep, .wheelDown):
            handleSweepGrid(event.action == .wheelUp ? .up : .down)
        case (.blind, _):
            break
        case (_, .wheelUp): scrollOverlay(to: overlayScroll - Self.wheelRows)
        case (_, .wheelDown): scrollOverlay(to: overlayScroll + Self.wheelRows)
        default: break
        }
    }
}
