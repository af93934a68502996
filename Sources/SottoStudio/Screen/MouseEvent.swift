/// A mouse press or wheel turn at a screen cell, as terminals that report the mouse send it
/// (xterm's SGR 1006 or X10 encoding, decoded by curses).
public struct MouseEvent: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        /// The left button went down.
        case press
        case wheelUp
        case wheelDown
    }

    public var action: Action
    public var row: Int
    public var column: Int

    public init(_ action: Action, row: Int, column: Int) {
        self.action = action
        self.row = row
        self.column = column
    }

    // ncurses' button masks (mouse version 2: five bits per button). Its macros are function-like,
    // which Swift does not import.
    static let button1Pressed: UInt = 0o2
    static let button1Clicked: UInt = 0o4
    static let button4Pressed: UInt = 0o2 << 15
    static let button5Pressed: UInt = 0o2 << 20
    /// What the studio asks curses to report.
    public static let reportedButtons: UInt = button1Pressed | button4Pressed | button5Pressed

    /// The event curses reported with `buttonState`; nil for what the studio does not use
    /// (releases, other buttons).
    public static func fromCurses(buttonState: UInt, row: Int, column: Int) -> MouseEvent? {
        if buttonState & (button1Pressed | button1Clicked) != 0 { return MouseEvent(.press, row: row, column: column) }
        if buttonState & button4Pressed != 0 { return MouseEvent(.wheelUp, row: row, column: column) }
        if buttonState & button5Pressed != 0 { return MouseEvent(.wheelDown, row: row, column: column) }
        return nil
    }
}
