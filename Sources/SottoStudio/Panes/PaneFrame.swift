/// A pane's border and title. Returns the region inside it.
enum PaneFrame {
    static func draw(_ region: Region, title: String, detail: String = "", focused: Bool, glyphs: Glyphs) -> Region {
        guard region.width >= 2, region.height >= 2 else { return region.sub(Rect.zero) }
        let border: StyleRole = focused ? .borderFocus : .border
        let inner = max(0, region.width - 2)
        region.put(glyphs.topLeft + String(repeating: glyphs.horizontal, count: inner) + glyphs.topRight, row: 0, style: border)
        for row in 1..<(region.height - 1) {
            region.put(glyphs.vertical, row: row, column: 0, style: border)
            region.put(glyphs.vertical, row: row, column: region.width - 1, style: border)
        }
        region.put(glyphs.bottomLeft + String(repeating: glyphs.horizontal, count: inner) + glyphs.bottomRight,
                   row: region.height - 1, style: border)
        let room = region.width - 4
        if room > 0 {
            let label = DisplayWidth.truncate(" \(title) ", to: room)
            region.put(label, row: 0, column: 2, style: focused ? .titleFocus : .title)
            let used = DisplayWidth.of(label)
            if !detail.isEmpty, room - used > 4 {
                let extra = DisplayWidth.truncate(" \(detail) ", to: room - used - 1)
                region.put(extra, row: 0, column: region.width - 2 - DisplayWidth.of(extra), style: .label)
            }
        }
        return region.sub(Rect(row: 1, column: 1, width: region.width - 2, height: region.height - 2))
    }
}
