/// What keys do at the moment.
public enum InputMode: Equatable, Sendable {
    /// Keys are commands.
    case normal
    /// Keys type into the text.
    case editingText
    /// Typing after `:`.
    case commandLine
    /// Typing a `/` filter for a list pane.
    case filter(Pane)
    /// Typing a value into a field of the Controls pane.
    case field(ControlField)
}

/// A panel drawn over the panes.
public enum Overlay: Equatable, Sendable {
    case help
    case messages
    case tally
    case blind
    /// An ABX run (`:abx`).
    case abx
    /// A blind ranking (`:rank`).
    case rank
    /// Two takes' settings side by side (`:diff`).
    case diff(Int, Int)
    /// The sessions on disk (`:sessions`).
    case sessions
    /// A sweep's takes as a grid (`:sweep`).
    case sweep
}
