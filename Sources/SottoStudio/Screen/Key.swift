/// A key press (or a pasted block) as the studio sees it, independent of curses.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    /// Ctrl plus a letter, lower case: `.control("r")` is Ctrl-R.
    case control(Character)
    case up, down, left, right
    case wordLeft, wordRight
    case home, end, pageUp, pageDown
    case insert, delete, backspace
    case enter, tab, backTab, escape
    case function(Int)
    /// The terminal changed size.
    case resize
    /// Text pasted in one go (bracketed paste), delivered whole.
    case paste(String)
    /// A click or wheel turn, where the terminal reports the mouse.
    case mouse(MouseEvent)

    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .control(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .wordLeft: return "Ctrl-←"
        case .wordRight: return "Ctrl-→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .backspace: return "Backspace"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .escape: return "Esc"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        case .paste: return "paste"
        case .mouse(let event): return event.action == .press ? "click" : "wheel"
        }
    }

    /// The printable character this key types, if any.
    public var typedCharacter: Character? {
        if case .character(let c) = self { return c }
        return nil
    }
}
