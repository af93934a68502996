/// The symbols the studio draws with: box lines, bars, spinners. A terminal whose locale is not
/// UTF-8 (or a console font without them) gets plain ASCII.
public struct Glyphs: Sendable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    /// Bars from lowest to highest, for sparklines and waveforms.
    public var levels: [String]
    /// Shades from nothing to full, for spectrograms.
    public var shades: [String]
    public var spinner: [String]
    public var play: String
    public var stop: String
    public var pause: String
    public var loaded: String
    public var unloaded: String
    public var failed: String
    public var warning: String
    public var active: String
    public var ellipsis: String
    public var cursorBar: String
    public var separator: String
    public var times: String
    /// A take picked for a ranking or an export.
    public var picked: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        levels: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        shades: [" ", "░", "▒", "▓", "█"],
        spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
        play: "▶", stop: "■", pause: "‖", loaded: "●", unloaded: "○", failed: "✗", warning: "!",
        active: "▸", ellipsis: "…", cursorBar: "│", separator: " · ", times: "×", picked: "✓")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        levels: [" ", ".", ".", ":", ":", "|", "|", "#", "#"],
        shades: [" ", ".", ":", "*", "#"],
        spinner: ["|", "/", "-", "\\"],
        play: ">", stop: "#", pause: "=", loaded: "*", unloaded: "o", failed: "x", warning: "!",
        active: ">", ellipsis: "~", cursorBar: "|", separator: " | ", times: "x", picked: "+")

    /// The bar for a level in 0...1.
    public func level(_ value: Double) -> String {
        guard value.isFinite else { return levels[0] }
        let clamped = min(max(value, 0), 1)
        let index = Int((clamped * Double(levels.count - 1)).rounded(.up))
        return levels[min(index, levels.count - 1)]
    }

    /// The shade for a level in 0...1: blank in the lowest eighth, full from seven eighths.
    public func shade(_ value: Double) -> String {
        guard value.isFinite else { return shades[0] }
        let steps = Double(shades.count - 1)
        let index = Int((min(max(value, 0), 1) * steps + 0.5).rounded(.down))
        return shades[min(index, shades.count - 1)]
    }

    public func spinnerFrame(at seconds: Double) -> String {
        spinner[Int(max(0, seconds) * 10) % spinner.count]
    }
}
