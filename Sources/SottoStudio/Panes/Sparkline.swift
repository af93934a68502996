/// A row of bars for a series of values, scaled to the largest shown.
enum Sparkline {
    static func render(_ values: [Double], width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let shown = Array(values.suffix(width))
        let peak = shown.filter(\.isFinite).max() ?? 0
        guard peak > 0 else { return String(repeating: glyphs.levels[1], count: shown.count) }
        return shown.map { value in
            value.isFinite ? glyphs.level(max(value / peak, 0.01)) : " "
        }.joined()
    }
}
