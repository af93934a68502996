/// Everything a key can do outside text entry.
public enum StudioAction: Hashable, Sendable {
    case help, commandLine, filter, messages
    case focusNext, focusPrevious, focus(Pane)
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case activate, adjustLeft, adjustRight
    case synthesize, playStop, stopAll, seekBack, seekForward
    case nextTake, previousTake, markA, markB, toggleAB, blind, recallTake, export, copyCommand
    case abx, togglePick, clearPicks, diff
    case editText, loadModel, unloadModel
    case speedUp, speedDown, newSeed, savePreset, nextTheme
    case quit
    // Text editing
    case leaveEditing, undo, redo, deleteWord, deleteToLineEnd, deleteToLineStart, lineStart, lineEnd
    // Blind test
    case blindSample1, blindSample2, blindSwitch, blindPick, blindNoPreference, blindNextRound
    // ABX and blind ranking
    case abxListen(ABXTest.Sample), abxSwitch(Int), abxAnswer(ABSlot), abxAgain, leaveTest
    case rankListen(Int), rankSelect(Int), rankReorder(Int), rankSubmit, rankAgain
    // Sweeps and blends
    case sweepGrid, blendLeft, blendRight, blendWithVoice
    case toggleStripView
}

/// Where a key binding applies.
public enum KeyContext: String, CaseIterable, Sendable {
    case global = "Anywhere (not typing)"
    case models = "Models pane"
    case voices = "Voices pane"
    case text = "Text pane"
    case controls = "Controls pane"
    case takes = "Takes pane"
    case editing = "Editing text"
    case line = "Command line, filter and fields"
    case blind = "Blind A/B test"
    case abx = "ABX test"
    case rank = "Blind ranking"
    case sweep = "Sweep grid"
    case mouse = "Mouse (where the terminal reports it)"
    case overlay = "Help and message overlays"
}

public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: StudioAction?
    public var context: KeyContext
    public var summary: String

    /// "s F5 Ctrl-R"
    public var keyLabel: String { keys.map(\.description).joined(separator: " ") }
}

/// The studio's keys, in one table: dispatch reads it, and so does the help overlay, so the
/// help always shows the keys that actually work.
public enum KeyMap {
    private static func c(_ text: String) -> [Key] { text.map { Key.character($0) } }

    public static let bindings: [KeyBinding] = [
        // Anywhere in normal mode.
        KeyBinding(keys: c("?"), action: .help, context: .global, summary: "this help"),
        KeyBinding(keys: c(":"), action: .commandLine, context: .global, summary: "command line (:help lists commands)"),
        KeyBinding(keys: c("/"), action: .filter, context: .global, summary: "filter the list (voices, models, takes)"),
        KeyBinding(keys: [.tab, .backTab], action: nil, context: .global, summary: "next / previous pane"),
        KeyBinding(keys: c("123456"), action: nil, context: .global, summary: "go to Models Voices Text Controls Takes Metrics"),
        KeyBinding(keys: [.up, .down] + c("kj"), action: nil, context: .global, summary: "move in the pane"),
        KeyBinding(keys: [.pageUp, .pageDown, .home, .end] + c("gG"), action: nil, context: .global, summary: "page, first, last"),
        KeyBinding(keys: c("s") + [.function(5), .control("r")], action: .synthesize, context: .global, summary: "synthesize the text as a new take"),
        KeyBinding(keys: c(" "), action: .playStop, context: .global, summary: "play / stop the selected take"),
        KeyBinding(keys: [.escape, .control("c")], action: .stopAll, context: .global, summary: "stop playback and cancel synthesis"),
        KeyBinding(keys: c("["), action: .seekBack, context: .global, summary: "while playing: back 2 seconds"),
        KeyBinding(keys: c("]"), action: .seekForward, context: .global, summary: "while playing: ahead 2 seconds"),
        KeyBinding(keys: c("np"), action: nil, context: .global, summary: "next / previous take (keeps playing)"),
        KeyBinding(keys: c("ab"), action: nil, context: .global, summary: "mark the selected take A / B"),
        KeyBinding(keys: c("t"), action: .toggleAB, context: .global, summary: "switch A↔B at the same position"),
        KeyBinding(keys: c("B"), action: .blind, context: .global, summary: "blind A/B test of A and B"),
        KeyBinding(keys: c("A"), action: .abx, context: .global, summary: "ABX test of A and B (:abx ROUNDS)"),
        KeyBinding(keys: c("x"), action: .togglePick, context: .global, summary: "pick / unpick the selected take (for :rank, :export FOLDER/)"),
        KeyBinding(keys: c("X"), action: .clearPicks, context: .global, summary: "unpick every take"),
        KeyBinding(keys: c("d"), action: .diff, context: .global, summary: "A's and B's settings side by side (:diff N M)"),
        KeyBinding(keys: c("i"), action: .editText, context: .global, summary: "edit the text"),
        KeyBinding(keys: c("+="), action: .speedUp, context: .global, summary: "speed up by 0.05"),
        KeyBinding(keys: c("-_"), action: .speedDown, context: .global, summary: "speed down by 0.05"),
        KeyBinding(keys: c("r"), action: .newSeed, context: .global, summary: "fix a new random seed (:seed random to unfix)"),
        KeyBinding(keys: c("R"), action: .recallTake, context: .global, summary: "recall the selected take's text, model and settings"),
        KeyBinding(keys: c("l"), action: .loadModel, context: .global, summary: "load the highlighted model"),
        KeyBinding(keys: c("u"), action: .unloadModel, context: .global, summary: "unload the highlighted model"),
        KeyBinding(keys: c("e"), action: .export, context: .global, summary: "export the selected take (:export PATH)"),
        KeyBinding(keys: c("y"), action: .copyCommand, context: .global, summary: "copy the selected take as a sotto say command"),
        KeyBinding(keys: c("S"), action: .savePreset, context: .global, summary: "save the settings as a voice preset"),
        KeyBinding(keys: c("w"), action: .sweepGrid, context: .global, summary: "the grid of the newest sweep (:sweep makes one)"),
        KeyBinding(keys: c("v"), action: .toggleStripView, context: .global, summary: "Playback strip: waveform / spectrogram (:view)"),
        KeyBinding(keys: c("T"), action: .nextTheme, context: .global, summary: "next theme"),
        KeyBinding(keys: c("m"), action: .messages, context: .global, summary: "recent messages and errors"),
        KeyBinding(keys: c("q") + [.control("q")], action: .quit, context: .global, summary: "quit (everything is already saved)"),
        // Panes.
        KeyBinding(keys: [.enter], action: .activate, context: .models, summary: "use this model (loads it)"),
        KeyBinding(keys: [.enter], action: .activate, context: .voices, summary: "choose the voice, speaker or language; apply a preset"),
        KeyBinding(keys: c("*"), action: .blendWithVoice, context: .voices, summary: "blend the highlighted voice with the one in use, half each"),
        KeyBinding(keys: c("<"), action: .blendLeft, context: .voices, summary: "blend of two voices: a tenth more of the second"),
        KeyBinding(keys: c(">"), action: .blendRight, context: .voices, summary: "blend of two voices: a tenth more of the first"),
        KeyBinding(keys: [.enter], action: .activate, context: .text, summary: "edit the text"),
        KeyBinding(keys: [.enter], action: .activate, context: .controls, summary: "type a value for the field"),
        KeyBinding(keys: [.left, .right], action: nil, context: .controls, summary: "adjust speed, voice, language, seed"),
        KeyBinding(keys: c("<"), action: .blendLeft, context: .controls, summary: "blend of two voices: a tenth more of the second"),
        KeyBinding(keys: c(">"), action: .blendRight, context: .controls, summary: "blend of two voices: a tenth more of the first"),
        KeyBinding(keys: [.enter], action: .activate, context: .takes, summary: "play the take from the start"),
        // Text editing.
        KeyBinding(keys: [.escape], action: .leaveEditing, context: .editing, summary: "stop editing"),
        KeyBinding(keys: [.function(5), .control("r")], action: .synthesize, context: .editing, summary: "synthesize"),
        KeyBinding(keys: [.control("c")], action: .stopAll, context: .editing, summary: "stop playback and cancel synthesis"),
        KeyBinding(keys: [.control("z")], action: .undo, context: .editing, summary: "undo"),
        KeyBinding(keys: [.control("y")], action: .redo, context: .editing, summary: "redo"),
        KeyBinding(keys: [.control("a"), .home], action: .lineStart, context: .editing, summary: "start of line"),
        KeyBinding(keys: [.control("e"), .end], action: .lineEnd, context: .editing, summary: "end of line"),
        KeyBinding(keys: [.control("w")], action: .deleteWord, context: .editing, summary: "delete the word before the cursor"),
        KeyBinding(keys: [.control("k")], action: .deleteToLineEnd, context: .editing, summary: "delete to the end of the line"),
        KeyBinding(keys: [.control("u")], action: .deleteToLineStart, context: .editing, summary: "delete to the start of the line"),
        KeyBinding(keys: [.left, .right, .up, .down], action: nil, context: .editing, summary: "move by character / by screen row"),
        KeyBinding(keys: [.wordLeft, .wordRight], action: nil, context: .editing, summary: "previous / next word"),
        KeyBinding(keys: [.pageUp, .pageDown], action: nil, context: .editing, summary: "up / down a page"),
        KeyBinding(keys: [.backspace, .delete], action: nil, context: .editing, summary: "delete the character before / at the cursor"),
        KeyBinding(keys: [.enter], action: nil, context: .editing, summary: "new line"),
        KeyBinding(keys: [.tab], action: nil, context: .editing, summary: "types a space"),
        KeyBinding(keys: [.paste("")], action: nil, context: .editing, summary: "pasting inserts the text as one undo step"),
        // Command line, filter, fields.
        KeyBinding(keys: [.enter], action: nil, context: .line, summary: "run the command / keep the filter / set the field"),
        KeyBinding(keys: [.escape], action: nil, context: .line, summary: "cancel (a filter is cleared)"),
        KeyBinding(keys: [.tab], action: nil, context: .line, summary: "complete a command, model, voice, preset, theme"),
        KeyBinding(keys: [.up, .down], action: nil, context: .line, summary: "command history; in a filter, move in the list"),
        // Blind test.
        KeyBinding(keys: c("12"), action: nil, context: .blind, summary: "listen to sample 1 / 2 (switching keeps the position)"),
        KeyBinding(keys: [.left, .right] + c("t"), action: .blindSwitch, context: .blind, summary: "switch between the samples"),
        KeyBinding(keys: c(" "), action: .playStop, context: .blind, summary: "play / stop the selected sample"),
        KeyBinding(keys: [.enter], action: .blindPick, context: .blind, summary: "prefer the selected sample, then reveal"),
        KeyBinding(keys: c("="), action: .blindNoPreference, context: .blind, summary: "no preference, then reveal"),
        KeyBinding(keys: c("n"), action: .blindNextRound, context: .blind, summary: "after the reveal: another round, reshuffled"),
        KeyBinding(keys: [.escape], action: nil, context: .blind, summary: "leave the test (votes are kept)"),
        // ABX.
        KeyBinding(keys: c("a1"), action: .abxListen(.a), context: .abx, summary: "listen to A"),
        KeyBinding(keys: c("b2"), action: .abxListen(.b), context: .abx, summary: "listen to B"),
        KeyBinding(keys: c("x3"), action: .abxListen(.x), context: .abx, summary: "listen to X (switching keeps the position)"),
        KeyBinding(keys: [.right] + c("t"), action: .abxSwitch(1), context: .abx, summary: "next sample: A → B → X"),
        KeyBinding(keys: [.left], action: .abxSwitch(-1), context: .abx, summary: "previous sample"),
        KeyBinding(keys: c(" "), action: .playStop, context: .abx, summary: "play / stop the selected sample"),
        KeyBinding(keys: c("A"), action: .abxAnswer(.a), context: .abx, summary: "answer: X is A"),
        KeyBinding(keys: c("B"), action: .abxAnswer(.b), context: .abx, summary: "answer: X is B"),
        KeyBinding(keys: c("n"), action: .abxAgain, context: .abx, summary: "after the score: another run"),
        KeyBinding(keys: [.escape], action: .leaveTest, context: .abx, summary: "stop early and see the score; then leave (answers are kept)"),
        // Blind ranking.
        KeyBinding(keys: c("12345678"), action: nil, context: .rank, summary: "listen to sample 1 … 8 (switching keeps the position)"),
        KeyBinding(keys: [.up] + c("k"), action: .rankSelect(-1), context: .rank, summary: "select the row above"),
        KeyBinding(keys: [.down] + c("j"), action: .rankSelect(1), context: .rank, summary: "select the row below"),
        KeyBinding(keys: c("K"), action: .rankReorder(-1), context: .rank, summary: "move the selected sample up the ranking"),
        KeyBinding(keys: c("J"), action: .rankReorder(1), context: .rank, summary: "move the selected sample down the ranking"),
        KeyBinding(keys: c(" "), action: .playStop, context: .rank, summary: "play / stop the selected sample"),
        KeyBinding(keys: [.enter], action: .rankSubmit, context: .rank, summary: "this is my ranking, best first; then reveal"),
        KeyBinding(keys: c("n"), action: .rankAgain, context: .rank, summary: "after the reveal: another round, reshuffled"),
        KeyBinding(keys: [.escape], action: .leaveTest, context: .rank, summary: "leave (rankings are kept)"),
        // Sweep grid.
        KeyBinding(keys: [.up, .down, .left, .right] + c("kjhl"), action: nil, context: .sweep, summary: "move in the grid (the Takes list follows; playing goes on)"),
        KeyBinding(keys: [.enter] + c(" "), action: nil, context: .sweep, summary: "play the take (Space stops)"),
        KeyBinding(keys: c("12345"), action: nil, context: .sweep, summary: "rate the take, 1 to 5 stars (rows and columns show the mean)"),
        KeyBinding(keys: c("0"), action: nil, context: .sweep, summary: "clear the take's rating"),
        KeyBinding(keys: c("x"), action: nil, context: .sweep, summary: "cancel the takes still queued (the one being made finishes)"),
        KeyBinding(keys: c("ab[]y"), action: nil, context: .sweep, summary: "mark A / B, seek, copy the command, as elsewhere"),
        KeyBinding(keys: [.escape] + c("qw"), action: nil, context: .sweep, summary: "back (takes go on being made; Esc again stops them)"),
        // Mouse.
        KeyBinding(keys: [.mouse(MouseEvent(.press, row: 0, column: 0))], action: nil, context: .mouse, summary: "a pane focuses it; a take, voice, model or field selects it; again: as Enter"),
        KeyBinding(keys: [.mouse(MouseEvent(.press, row: 0, column: 0))], action: nil, context: .mouse, summary: "in the Playback waveform: play the take from that point"),
        KeyBinding(keys: [.mouse(MouseEvent(.press, row: 0, column: 0))], action: nil, context: .mouse, summary: "a place in the sweep grid selects it; again: plays it"),
        KeyBinding(keys: [.mouse(MouseEvent(.wheelUp, row: 0, column: 0))], action: nil, context: .mouse, summary: "move in the list under the pointer; scroll help and messages"),
        KeyBinding(keys: [.up, .down] + c("kj") + [.pageUp, .pageDown, .home] + c("g"), action: nil, context: .overlay, summary: "scroll"),
        KeyBinding(keys: [.escape, .enter] + c("?q"), action: nil, context: .overlay, summary: "close"),
        KeyBinding(keys: [.control("c")], action: nil, context: .overlay, summary: "stop playback and cancel synthesis"),
    ]

    /// The action of `key` in normal mode with `pane` focused.
    public static func normalAction(for key: Key, pane: Pane) -> StudioAction? {
        let paneContext: KeyContext? = switch pane {
        case .models: .models
        case .voices: .voices
        case .text: .text
        case .controls: .controls
        case .takes: .takes
        case .metrics: nil
        }
        if pane == .controls {
            switch key {
            case .left: return .adjustLeft
            case .right: return .adjustRight
            default: break
            }
        }
        for context in [paneContext, .global].compactMap({ $0 }) {
            if let binding = bindings.first(where: { $0.context == context && $0.action != nil && $0.keys.contains(key) }) {
                return binding.action
            }
        }
        switch key {
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .up, .character("k"): return .moveUp
        case .down, .character("j"): return .moveDown
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home, .character("g"): return .top
        case .end, .character("G"): return .bottom
        case .character("n"): return .nextTake
        case .character("p"): return .previousTake
        case .character("a"): return .markA
        case .character("b"): return .markB
        case .character(let c) where ("1"..."6").contains(c):
            return Pane(rawValue: Int(String(c))! - 1).map { .focus($0) }
        default: return nil
        }
    }

    /// The action of `key` while editing text; nil means the key edits (typing, arrows).
    public static func editingAction(for key: Key) -> StudioAction? {
        bindings.first { $0.context == .editing && $0.action != nil && $0.keys.contains(key) }?.action
    }

    public static func blindAction(for key: Key) -> StudioAction? {
        switch key {
        case .character("1"): return .blindSample1
        case .character("2"): return .blindSample2
        default:
            return bindings.first { $0.context == .blind && $0.action != nil && $0.keys.contains(key) }?.action
        }
    }

    public static func abxAction(for key: Key) -> StudioAction? {
        bindings.first { $0.context == .abx && $0.action != nil && $0.keys.contains(key) }?.action
    }

    public static func rankAction(for key: Key) -> StudioAction? {
        if case .character(let character) = key, let digit = character.wholeNumberValue, (1...RankingTest.sizes.upperBound).contains(digit) {
            return .rankListen(digit - 1)
        }
        return bindings.first { $0.context == .rank && $0.action != nil && $0.keys.contains(key) }?.action
    }

    /// Help sections, the context in use first.
    public static func helpSections(current: [KeyContext]) -> [(KeyContext, [KeyBinding])] {
        let order = current + KeyContext.allCases.filter { !current.contains($0) }
        return order.map { context in (context, bindings.filter { $0.context == context }) }.filter { !$0.1.isEmpty }
    }
}
