/// The text being edited: lines of characters, a cursor and an undo history.
///
/// Positions count characters (grapheme clusters), so the cursor never lands inside an accented
/// letter or an emoji; screen columns are worked out by `SoftWrap` with `DisplayWidth`.
/// A single-line buffer (the command line, a control field) turns line breaks into spaces.
public struct TextBuffer: Equatable, Sendable {
    public private(set) var lines: [[Character]]
    public private(set) var cursor: TextPosition
    public let isSingleLine: Bool
    /// The display column vertical moves aim for, so moving through a short line and back
    /// returns to the same column.
    var goalColumn: Int?
    private var history = EditHistory()

    public init(_ text: String = "", singleLine: Bool = false) {
        isSingleLine = singleLine
        lines = [[]]
        cursor = TextPosition(line: 0, column: 0)
        lines = Self.split(Self.sanitize(text, singleLine: singleLine))
        cursor = endPosition
    }

    public static func == (a: TextBuffer, b: TextBuffer) -> Bool {
        a.lines == b.lines && a.cursor == b.cursor && a.isSingleLine == b.isSingleLine
    }

    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    public var isEmpty: Bool { lines.count == 1 && lines[0].isEmpty }
    public var canUndo: Bool { history.canUndo }
    public var canRedo: Bool { history.canRedo }
    public var endPosition: TextPosition { TextPosition(line: lines.count - 1, column: lines[lines.count - 1].count) }
    public var characterCount: Int { lines.reduce(lines.count - 1) { $0 + $1.count } }

    // MARK: Editing

    /// Types `text` at the cursor (a key press or a burst of them).
    public mutating func type(_ text: String) {
        let clean = Self.sanitize(text, singleLine: isSingleLine)
        guard !clean.isEmpty else { return }
        let startsWord = clean.first.map { !$0.isWhitespace } == true && previousCharacter?.isWhitespace == true
        history.willEdit(.typing, from: snapshot, startsWord: startsWord)
        insertRaw(clean)
    }

    /// Inserts a pasted block as one undo step.
    public mutating func paste(_ text: String) {
        let clean = Self.sanitize(text, singleLine: isSingleLine)
        guard !clean.isEmpty else { return }
        history.willEdit(.block, from: snapshot)
        insertRaw(clean)
        history.closeStep()
    }

    public mutating func insertNewline() {
        type("\n")
    }

    /// Replaces everything (an undoable step), leaving the cursor at the end.
    public mutating func replaceAll(with text: String) {
        let clean = Self.sanitize(text, singleLine: isSingleLine)
        guard clean != self.text else { return }
        history.willEdit(.block, from: snapshot)
        lines = Self.split(clean)
        cursor = endPosition
        goalColumn = nil
        history.closeStep()
    }

    public mutating func deleteBackward() {
        guard cursor != TextPosition(line: 0, column: 0) else { return }
        history.willEdit(.deleting, from: snapshot)
        if cursor.column > 0 {
            lines[cursor.line].remove(at: cursor.column - 1)
            cursor.column -= 1
        } else {
            let previous = lines[cursor.line - 1].count
            lines[cursor.line - 1] += lines.remove(at: cursor.line)
            cursor = TextPosition(line: cursor.line - 1, column: previous)
        }
        goalColumn = nil
    }

    public mutating func deleteForward() {
        guard cursor != endPosition else { return }
        history.willEdit(.deleting, from: snapshot)
        if cursor.column < lines[cursor.line].count {
            lines[cursor.line].remove(at: cursor.column)
        } else {
            lines[cursor.line] += lines.remove(at: cursor.line + 1)
        }
        goalColumn = nil
    }

    /// Deletes back to the start of the word before the cursor (and the spaces after it).
    public mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        deleteRange(from: start, to: cursor)
    }

    /// Deletes from the cursor to the end of its line, or the line break when already there.
    public mutating func deleteToLineEnd() {
        let lineEnd = TextPosition(line: cursor.line, column: lines[cursor.line].count)
        if cursor == lineEnd {
            deleteForward()
        } else {
            deleteRange(from: cursor, to: lineEnd)
        }
    }

    public mutating func deleteToLineStart() {
        deleteRange(from: TextPosition(line: cursor.line, column: 0), to: cursor)
    }

    public mutating func undo() {
        guard let previous = history.undo(current: snapshot) else { return }
        restore(previous)
    }

    public mutating func redo() {
        guard let next = history.redo(current: snapshot) else { return }
        restore(next)
    }

    // MARK: Cursor movement

    public mutating func moveLeft() {
        if cursor.column > 0 {
            cursor.column -= 1
        } else if cursor.line > 0 {
            cursor = TextPosition(line: cursor.line - 1, column: lines[cursor.line - 1].count)
        }
        didMove()
    }

    public mutating func moveRight() {
        if cursor.column < lines[cursor.line].count {
            cursor.column += 1
        } else if cursor.line < lines.count - 1 {
            cursor = TextPosition(line: cursor.line + 1, column: 0)
        }
        didMove()
    }

    public mutating func moveToLineStart() {
        cursor.column = 0
        didMove()
    }

    public mutating func moveToLineEnd() {
        cursor.column = lines[cursor.line].count
        didMove()
    }

    public mutating func moveToStart() {
        cursor = TextPosition(line: 0, column: 0)
        didMove()
    }

    public mutating func moveToEnd() {
        cursor = endPosition
        didMove()
    }

    public mutating func moveWordLeft() {
        cursor = wordStart(before: cursor)
        didMove()
    }

    public mutating func moveWordRight() {
        var position = cursor
        let line = lines[position.line]
        if position.column == line.count {
            if position.line < lines.count - 1 { position = TextPosition(line: position.line + 1, column: 0) }
        } else {
            while position.column < line.count, line[position.column].isWhitespace { position.column += 1 }
            while position.column < line.count, !line[position.column].isWhitespace { position.column += 1 }
        }
        cursor = position
        didMove()
    }

    /// Moves up or down `rows` screen rows of the text as wrapped at `width` columns, keeping
    /// the column the cursor had when vertical movement began.
    public mutating func moveVertically(rows: Int, wrapWidth width: Int) {
        let wrap = SoftWrap(lines: lines, width: width)
        let here = wrap.visualPosition(of: cursor)
        let goal = goalColumn ?? here.column
        let target = min(max(here.row + rows, 0), wrap.rows.count - 1)
        cursor = wrap.position(row: target, column: goal)
        history.closeStep()
        goalColumn = goal
    }

    /// Puts the cursor at a position, clamped into the text.
    public mutating func setCursor(_ position: TextPosition) {
        let line = min(max(position.line, 0), lines.count - 1)
        cursor = TextPosition(line: line, column: min(max(position.column, 0), lines[line].count))
        didMove()
    }

    // MARK: Internals

    private var snapshot: EditHistory.Snapshot { .init(lines: lines, cursor: cursor) }

    private var previousCharacter: Character? {
        if cursor.column > 0 { return lines[cursor.line][cursor.column - 1] }
        return cursor.line > 0 ? "\n" : nil
    }

    private mutating func restore(_ snapshot: EditHistory.Snapshot) {
        lines = snapshot.lines
        cursor = snapshot.cursor
        goalColumn = nil
    }

    private mutating func didMove() {
        goalColumn = nil
        history.closeStep()
    }

    private mutating func insertRaw(_ text: String) {
        let pieces = Self.split(text)
        let tail = Array(lines[cursor.line][cursor.column...])
        lines[cursor.line].removeSubrange(cursor.column...)
        lines[cursor.line] += pieces[0]
        if pieces.count == 1 {
            cursor.column += pieces[0].count
            lines[cursor.line] += tail
        } else {
            let middle = pieces[1...]
            lines.insert(contentsOf: middle, at: cursor.line + 1)
            cursor = TextPosition(line: cursor.line + middle.count, column: middle.last!.count)
            lines[cursor.line] += tail
        }
        reclusterCursorLine()
        goalColumn = nil
    }

    /// Characters typed one key at a time (an emoji sequence arriving a code point per key)
    /// are joined into the characters the text is made of, so the text counts and moves the
    /// same way however it arrived (and after it is read back from the session).
    private mutating func reclusterCursorLine() {
        let line = lines[cursor.line]
        let rebuilt = Array(String(line))
        guard rebuilt.count != line.count else { return }
        let head = Array(String(line[..<cursor.column]))
        lines[cursor.line] = rebuilt
        cursor.column = min(head.count, rebuilt.count)
    }

    private mutating func deleteRange(from start: TextPosition, to end: TextPosition) {
        guard start < end else { return }
        history.willEdit(.block, from: snapshot)
        let tail = Array(lines[end.line][end.column...])
        lines[start.line].removeSubrange(start.column...)
        lines[start.line] += tail
        if end.line > start.line { lines.removeSubrange((start.line + 1)...end.line) }
        cursor = start
        goalColumn = nil
        history.closeStep()
    }

    private func wordStart(before position: TextPosition) -> TextPosition {
        if position.column == 0 {
            return position.line > 0 ? TextPosition(line: position.line - 1, column: lines[position.line - 1].count) : position
        }
        let line = lines[position.line]
        var column = position.column
        while column > 0, line[column - 1].isWhitespace { column -= 1 }
        while column > 0, !line[column - 1].isWhitespace { column -= 1 }
        return TextPosition(line: position.line, column: column)
    }

    /// Line breaks normalised to "\n", tabs to a space, other control characters dropped (a
    /// stray escape byte from a terminal must never become part of the text to speak).
    static func sanitize(_ text: String, singleLine: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\r\n", "\n", "\r":
                result.append(singleLine ? " " : "\n")
            case "\t":
                result.append(" ")
            default:
                if let scalar = character.unicodeScalars.first,
                   scalar.properties.generalCategory == .control { continue }
                result.append(character)
            }
        }
        return result
    }

    private static func split(_ text: String) -> [[Character]] {
        var lines: [[Character]] = [[]]
        for character in text {
            if character == "\n" { lines.append([]) } else { lines[lines.count - 1].append(character) }
        }
        return lines
    }
}
