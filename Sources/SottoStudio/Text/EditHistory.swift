/// Undo and redo for a `TextBuffer`, as whole snapshots: the texts a studio edits are a few
/// paragraphs, so copying them is cheaper than getting inverse operations right.
///
/// Consecutive edits of the same kind (typing, deleting) merge into one step, and typing breaks
/// into a new step at each word, so undo walks back word by word rather than letter by letter.
struct EditHistory: Equatable, Sendable {
    struct Snapshot: Equatable, Sendable {
        var lines: [[Character]]
        var cursor: TextPosition
    }

    enum EditKind: Equatable, Sendable {
        case typing
        case deleting
        /// Paste, cut, replace-all: always a step of its own.
        case block
    }

    private(set) var undoStack: [Snapshot] = []
    private(set) var redoStack: [Snapshot] = []
    private var openKind: EditKind?
    let limit: Int

    init(limit: Int = 500) {
        self.limit = limit
    }

    /// Called before an edit with the state it is about to change. `startsWord` tells that the
    /// typed text begins a new word after whitespace, which closes the current typing step.
    mutating func willEdit(_ kind: EditKind, from snapshot: Snapshot, startsWord: Bool = false) {
        redoStack.removeAll()
        if kind != .block, kind == openKind, !(kind == .typing && startsWord) { return }
        undoStack.append(snapshot)
        if undoStack.count > limit { undoStack.removeFirst(undoStack.count - limit) }
        openKind = kind == .block ? nil : kind
    }

    /// Ends the current step; the next edit starts a new one (after a cursor move, say).
    mutating func closeStep() {
        openKind = nil
    }

    mutating func undo(current: Snapshot) -> Snapshot? {
        guard let previous = undoStack.popLast() else { return nil }
        redoStack.append(current)
        openKind = nil
        return previous
    }

    mutating func redo(current: Snapshot) -> Snapshot? {
        guard let next = redoStack.popLast() else { return nil }
        undoStack.append(current)
        openKind = nil
        return next
    }

    var canUndo: Bool { !undoStack.isEmpty }
    var canRedo: Bool { !redoStack.isEmpty }
}
