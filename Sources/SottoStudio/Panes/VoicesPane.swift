/// The active model's voices or speakers, its languages, and the voice presets.
enum VoicesPane {
    static func draw(_ context: DrawContext, region: Region) {
        let studio = context.model
        let rows = studio.voiceRows
        let currentVoice = studio.settings.voice ?? studio.defaultVoice
        // A kept filter is said in the title itself (the model's name gives way to it), so a
        // short list is never mistaken for all there is.
        let title: String
        var hiddenCurrent: String?
        if studio.voiceFilter.isEmpty {
            title = studio.activeModel.map { "Voices · \($0.name)" } ?? "Voices"
        } else {
            let shown = rows.filter { if case .voice = $0.kind { return true } else { return false } }.count
            title = "Voices (\(shown) of \(studio.activeVoices.count)) /\(studio.voiceFilter.text)"
            if let currentVoice, !rows.contains(where: { $0.kind == .voice(currentVoice) }) { hiddenCurrent = currentVoice }
        }
        let inner = context.frame(region, pane: .voices, title: title, detail: "")
        guard inner.height > 0 else { return }
        let filterLine = context.filterLine(for: .voices)
        let noteRows = hiddenCurrent != nil && inner.height >= 3 ? 1 : 0
        let sliderRows = studio.blendSlider != nil && inner.height >= 4 ? 1 : 0
        let listRows = inner.height - (filterLine == nil ? 0 : 1) - noteRows - sliderRows
        if studio.activeModel == nil {
            inner.put("Choose a model in the Models pane.", row: 0, style: .dim)
        }
        var cursor = studio.voiceCursor
        cursor.scroll(visibleRows: max(1, listRows), count: rows.count)
        studio.drawn.lists[.voices] = DrawnScreen.List(top: cursor.top, rows: max(0, listRows))
        let titleWidth = min(max(12, inner.width * 45 / 100), 22)
        for row in 0..<max(0, listRows) {
            let index = cursor.top + row
            guard index < rows.count else { break }
            let item = rows[index]
            if item.kind == .heading {
                inner.fillRow(row, item.title, style: .label)
                continue
            }
            let isCurrent: Bool
            switch item.kind {
            case .voice(let id): isCurrent = id == currentVoice
            case .language(let language): isCurrent = language == studio.settings.language
            default: isCurrent = false
            }
            let marker = isCurrent ? context.glyphs.active : " "
            let selected = index == studio.voiceCursor.index
            let style: StyleRole = selected ? (context.isFocused(.voices) ? .selection : .selectionInactive) : (isCurrent ? .accent : .text)
            let text = marker + DisplayWidth.pad(DisplayWidth.truncate(item.title, to: titleWidth), to: titleWidth) + " "
            inner.fillRow(row, text, style: style)
            inner.put(DisplayWidth.truncate(item.detail, to: max(0, inner.width - DisplayWidth.of(text))),
                      row: row, column: DisplayWidth.of(text), style: selected ? style : .dim)
        }
        if let slider = studio.blendSlider, sliderRows > 0 {
            inner.fillRow(listRows + noteRows, DisplayWidth.truncate(slider.label + "  < >", to: inner.width), style: .value)
        }
        if let hiddenCurrent, noteRows > 0 {
            inner.fillRow(listRows, context.glyphs.active + "\(hiddenCurrent) in use, filtered out", style: .dim)
        }
        if let filterLine {
            inner.fillRow(inner.height - 1, "/" + filterLine, style: .input)
        }
    }
}
