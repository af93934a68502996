/// Turns a theme's colours into palette numbers a particular terminal has: a 256-colour theme
/// on an 8- or 16-colour console keeps its look in hue and brightness instead of falling back
/// to one colour, and `#rrggbb` picks the nearest xterm palette entry.
public enum ColorPalette {
    /// The curses colour number for `color` on a terminal with `available` colours; -1 is the
    /// terminal's default.
    /// A text colour (`isForeground`) that is not black itself never becomes black: on eight
    /// colours a dark grey would otherwise vanish into the usual dark background; it is drawn
    /// in white (grey) instead.
    public static func number(for color: TerminalColor, available: Int, isForeground: Bool = false) -> Int {
        switch color {
        case .terminalDefault:
            return -1
        case .indexed(let index):
            if index < available { return index }
            let components = rgb(ofIndex: index)
            let reduced = basic(components, sixteen: available >= 16)
            if isForeground, reduced == 0, components != (0, 0, 0) { return available >= 16 ? 8 : 7 }
            return reduced
        case let .rgb(r, g, b):
            let index = nearest256(r: Int(r), g: Int(g), b: Int(b))
            return number(for: .indexed(index), available: available, isForeground: isForeground)
        }
    }

    /// The red, green and blue of xterm palette entry `index` (0–255).
    public static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        let base: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        switch index {
        case ..<0: return (0, 0, 0)
        case 0..<16: return base[index]
        case 16..<232:
            let cube = index - 16
            return (level(cube / 36), level(cube / 6 % 6), level(cube % 6))
        default:
            let grey = 8 + 10 * (min(index, 255) - 232)
            return (grey, grey, grey)
        }
    }

    private static func level(_ step: Int) -> Int { step == 0 ? 0 : 55 + 40 * step }

    /// The nearest of the 8 (or 16) basic colours, judged by hue and lightness rather than raw
    /// distance, which would turn every dark colour black.
    static func basic(_ color: (Int, Int, Int), sixteen: Bool) -> Int {
        let (r, g, b) = color
        let high = max(r, g, b), low = min(r, g, b)
        let chroma = high - low
        let lightness = (high + low) / 2
        if chroma < 48 {
            if lightness < 64 { return 0 }
            if lightness < 160 { return sixteen ? 8 : (lightness < 112 ? 0 : 7) }
            return lightness < 224 || !sixteen ? 7 : 15
        }
        let threshold = low + chroma / 2
        let index = (r > threshold ? 1 : 0) | (g > threshold ? 2 : 0) | (b > threshold ? 4 : 0)
        let hue = index == 0 ? 7 : index
        return sixteen && high > 215 ? hue + 8 : hue
    }

    static func nearest256(r: Int, g: Int, b: Int) -> Int {
        func cubeStep(_ value: Int) -> Int { value < 48 ? 0 : value < 115 ? 1 : (value - 35) / 40 }
        let cube = 16 + 36 * cubeStep(r) + 6 * cubeStep(g) + cubeStep(b)
        let greyStep = max(0, min(23, (((r + g + b) / 3) - 3) / 10))
        let grey = 232 + greyStep
        func distance(_ index: Int) -> Int {
            let (x, y, z) = rgb(ofIndex: index)
            return (x - r) * (x - r) + (y - g) * (y - g) + (z - b) * (z - b)
        }
        return distance(grey) < distance(cube) ? grey : cube
    }
}
