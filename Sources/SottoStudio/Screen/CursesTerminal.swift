import CNcursesw
import CShim
import Foundation
import Glibc
import SottoCore

/// The terminal, through ncurses. Every curses call in Sotto happens here, on the thread that
/// created it (curses is not thread-safe).
final class CursesTerminal: Canvas {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    /// Whether the locale (and so the terminal, by convention) speaks UTF-8.
    let isUTF8: Bool
    /// Colours the terminal shows; 0 when it has none (TERM=vt100, xterm-mono).
    let colorCount: Int
    private var styles: [StyleRole: (attributes: attr_t, pair: Int16)] = [:]
    private var cursorTarget: (row: Int, column: Int)?
    private let pasteStart: Int32
    private let pasteEnd: Int32
    private var extraKeys: [Int32: Key] = [:]

    /// Opens the terminal; throws a one-line error when standard input or output is not a
    /// terminal or TERM names one curses does not know.
    init() throws {
        setlocale(LC_ALL, "")
        isUTF8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw SottoError("the studio needs a terminal", hint: "run sotto from a terminal, or see sotto --help for the commands")
        }
        guard let output = fdopen(dup(1), "w"), let input = fdopen(dup(0), "r") else {
            throw SottoError("cannot open the terminal: \(String(cString: strerror(errno)))")
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, let screen = newterm(nil, output, input) else {
            fclose(output)
            fclose(input)
            throw SottoError(term.isEmpty ? "TERM is not set" : "unknown terminal type \"\(term)\"",
                             hint: "set TERM to your terminal, e.g. TERM=xterm-256color")
        }
        set_term(screen)
        // Without cursor addressing (TERM=dumb, emacs' shell) curses can only print line after
        // line: the studio would look frozen on one status line. Say so instead.
        let moveCursor = tigetstr("cup")
        if moveCursor == nil || Int(bitPattern: moveCursor) == -1 {
            endwin()
            delscreen(screen)
            fclose(output)
            fclose(input)
            throw SottoError("the terminal \"\(term)\" cannot move the cursor, which the studio needs",
                             hint: "set TERM to your terminal, e.g. TERM=xterm-256color or TERM=vt100; or use sotto say")
        }
        self.output = output
        self.input = input
        self.screen = screen
        window = sotto_stdscr()
        raw()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(sotto_colors())
        } else {
            colorCount = 0
        }
        pasteStart = Int32(KEY_MAX) + 1500
        pasteEnd = Int32(KEY_MAX) + 1501
        define_key("\u{1b}[200~", pasteStart)
        define_key("\u{1b}[201~", pasteEnd)
        discoverModifiedArrows()
        enableMouse()
        // Bracketed paste: the terminal marks pasted text, so a paste is one undo step and its
        // line breaks never act as Enter.
        fputs("\u{1b}[?2004h", output)
        fflush(output)
    }

    func close() {
        mousemask(0, nil)
        fputs("\u{1b}[?2004l", output)
        fflush(output)
        curs_set(1)
        endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
    }

    /// Asks the terminal to put `text` on the clipboard (OSC 52); terminals without it ignore it.
    func copyToClipboard(_ text: String) {
        fputs(SayCommand.clipboardSequence(text), output)
        fflush(output)
    }

    var width: Int { Int(getmaxx(window)) }
    var height: Int { Int(getmaxy(window)) }

    // MARK: Styles

    /// Sets up colour pairs for a theme. Without colours, or for a role the theme leaves
    /// entirely plain, attributes alone keep things distinguishable.
    func apply(_ theme: Theme) {
        styles.removeAll()
        let usesColor = colorCount >= 8
        let pairLimit = Int(sotto_color_pairs())
        for (index, role) in StyleRole.allCases.enumerated() {
            let style = theme.style(role)
            var attributes = Self.cursesAttributes(style.attributes)
            var pair: Int16 = 0
            let isPlain = style.foreground == .terminalDefault && style.background == .terminalDefault && style.attributes.isEmpty
            if usesColor, index + 1 < pairLimit, !isPlain {
                let foreground = ColorPalette.number(for: style.foreground, available: colorCount, isForeground: true)
                let background = ColorPalette.number(for: style.background, available: colorCount)
                pair = Int16(index + 1)
                init_pair(pair, Int16(foreground), Int16(background))
            }
            if !usesColor || isPlain {
                attributes |= Self.cursesAttributes(role.monochromeAttributes)
            }
            styles[role] = (attributes, pair)
        }
        wbkgdset(window, chtype(sotto_color_pair(Int32(styles[.text]?.pair ?? 0))) | chtype(UInt8(ascii: " ")))
    }

    static func cursesAttributes(_ attributes: TextAttributes) -> attr_t {
        var result: attr_t = 0
        if attributes.contains(.bold) { result |= sotto_attr_bold() }
        if attributes.contains(.dim) { result |= sotto_attr_dim() }
        if attributes.contains(.underline) { result |= sotto_attr_underline() }
        if attributes.contains(.reverse) { result |= sotto_attr_reverse() }
        if attributes.contains(.standout) { result |= sotto_attr_standout() }
        return result
    }

    // MARK: Canvas

    func beginFrame() {
        cursorTarget = nil
        werase(window)
    }

    func endFrame() {
        if let target = cursorTarget {
            curs_set(1)
            wmove(window, Int32(target.row), Int32(target.column))
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
    }

    func put(_ text: String, row: Int, column: Int, style: StyleRole) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        let (attributes, pair) = styles[style] ?? (0, 0)
        wattrset(window, Int32(bitPattern: attributes | sotto_color_pair(Int32(pair))))
        let shown = isUTF8 ? text : AsciiFallback.text(text)
        var wide = shown.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        mvwaddnwstr(window, Int32(row), Int32(column), wide, Int32(wide.count - 1))
    }

    func placeCursor(row: Int, column: Int) {
        cursorTarget = (row, column)
    }

    func hideCursor() {
        cursorTarget = nil
    }

    // MARK: Keys

    /// The next key, waiting at most `milliseconds` (0: only what is already there).
    func readKey(milliseconds: Int32) -> Key? {
        wtimeout(window, milliseconds)
        var value: wint_t = 0
        let status = wget_wch(window, &value)
        if status == ERR { return nil }
        if status == KEY_CODE_YES {
            let code = Int32(bitPattern: value)
            if code == pasteStart { return readPaste() }
            if code == KEY_MOUSE { return readMouse() }
            return Self.key(forCode: code, extra: extraKeys)
        }
        return Self.key(forCharacter: value)
    }

    /// Collects a bracketed paste up to its end marker (or a pause, if the end never comes).
    private func readPaste() -> Key {
        var scalars = String.UnicodeScalarView()
        wtimeout(window, 200)
        while scalars.count < 1_000_000 {
            var value: wint_t = 0
            let status = wget_wch(window, &value)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                let code = Int32(bitPattern: value)
                if code == pasteEnd { break }
                if code == KEY_ENTER { scalars.append("\n") }
                continue
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar == "\r" ? "\n" : scalar) }
        }
        return .paste(String(scalars))
    }

    static func key(forCharacter value: wint_t) -> Key? {
        switch value {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A:
            return .control(Character(Unicode.Scalar(UInt8(value) + 0x60)))
        case 0x1F: return .control("_")
        default:
            guard let scalar = Unicode.Scalar(value), value >= 0x20 else { return nil }
            return .character(Character(scalar))
        }
    }

    static func key(forCode code: Int32, extra: [Int32: Key]) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            if let key = extra[code] { return key }
            let first = sotto_key_f(0)
            if code > first, code <= first + 63 { return .function(Int(code - first)) }
            return nil
        }
    }

    /// Asks the terminal to report presses and the wheel (curses picks xterm's SGR 1006
    /// encoding where terminfo names it, else X10), at once rather than after a click interval.
    /// The masks are those of ncurses' mouse version 2.
    private func enableMouse() {
        guard NCURSES_MOUSE_VERSION == 2 else { return }
        mouseinterval(0)
        mousemask(mmask_t(MouseEvent.reportedButtons), nil)
    }

    private func readMouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        return MouseEvent.fromCurses(buttonState: UInt(event.bstate), row: Int(event.y), column: Int(event.x)).map(Key.mouse)
    }

    /// Ctrl- and Alt-arrows have no fixed codes; terminfo names them (kLFT5, kRIT5, ...) and
    /// curses numbers them at start-up.
    private func discoverModifiedArrows() {
        let wanted: [String: Key] = ["kLFT5": .wordLeft, "kRIT5": .wordRight, "kLFT3": .wordLeft, "kRIT3": .wordRight]
        for code in Int32(KEY_MAX)...(Int32(KEY_MAX) + 600) {
            guard let name = keyname(code) else { continue }
            if let key = wanted[String(cString: name)] { extraKeys[code] = key }
        }
    }
}
