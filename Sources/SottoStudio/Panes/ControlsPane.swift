import SottoCore

/// The settings of the next take, as the active model understands them.
enum ControlsPane {
    static func draw(_ context: DrawContext, region: Region) {
        let studio = context.model
        let fields = studio.controlFields
        let caps = studio.capabilities
        let inner = context.frame(region, pane: .controls, title: "Controls",
                                  detail: studio.activeModel.map { studio.environment.families.shortName(of: $0.kind) } ?? "")
        guard inner.height > 0 else { return }
        guard studio.activeModel != nil else {
            inner.put("No model chosen.", row: 0, style: .dim)
            return
        }
        if fields.isEmpty {
            inner.put("This model has no settings.", row: 0, style: .dim)
        }
        let labelWidth = fields.contains(.precision) ? 10 : 9
        let speakers = caps.contains(.speakers)
        for (row, field) in fields.enumerated() where row < inner.height {
            let selected = row == studio.controlIndex
            let focused = context.isFocused(.controls)
            inner.fillRow(row, DisplayWidth.pad(field.label(speakers: speakers), to: labelWidth),
                          style: selected && focused ? .selection : (selected ? .selectionInactive : .label))
            let valueWidth = inner.width - labelWidth
            guard valueWidth > 0 else { continue }
            if case .field(let editing) = studio.mode, editing == field, studio.overlay == nil {
                drawEditor(studio.fieldEditor, in: inner, row: row, column: labelWidth, width: valueWidth,
                           replacedByTyping: studio.fieldIsUntouched)
                continue
            }
            let (value, style) = self.value(field, studio: studio, context: context)
            inner.put(DisplayWidth.truncate(value, to: valueWidth), row: row, column: labelWidth, style: style)
        }
        let spare = inner.height - fields.count
        if spare >= 2 {
            let autoplay = studio.config.autoplay ? "plays while synthesizing" : "autoplay off"
            inner.put(DisplayWidth.truncate(autoplay, to: inner.width), row: inner.height - 1, style: .dim)
        }
    }

    static func value(_ field: ControlField, studio: StudioModel, context: DrawContext) -> (String, StyleRole) {
        let settings = studio.settings
        switch field {
        case .speed:
            return (Formatting.speed(settings.speed) + context.glyphs.times, .value)
        case .voice:
            if let slider = studio.blendSlider { return (slider.label, .value) }
            if let voice = settings.voice { return (voice, .value) }
            return ("default" + (studio.defaultVoice.map { " (\($0))" } ?? ""), .dim)
        case .instruct:
            return settings.instruct.isEmpty ? (field.placeholder, .dim) : (settings.instruct, .value)
        case .description:
            return settings.voiceDescription.isEmpty ? (field.placeholder, .warning) : (settings.voiceDescription, .value)
        case .language:
            return (settings.language ?? "auto", settings.language == nil ? .dim : .value)
        case .seed:
            switch settings.seed {
            case .random: return ("random each take", .dim)
            case .fixed(let seed): return ("\(seed) (fixed)", .value)
            }
        case .precision:
            let precision = studio.precision(for: studio.activeModel) ?? StudioModel.defaultPrecision
            let loadedAt = studio.activeModel.map { studio.lane.loadedPrecisions($0.id) } ?? []
            let reloading = !loadedAt.isEmpty && !loadedAt.contains(precision) ? " (reloads)" : ""
            return (precision.rawValue + (settings.precision == nil ? " (default)" : "") + reloading,
                    settings.precision == nil ? .dim : .value)
        }
    }

    /// A one-line editor, scrolled so its cursor shows.
    /// `replacedByTyping` shows the whole value selected: the next character typed replaces it.
    static func drawEditor(_ buffer: TextBuffer, in region: Region, row: Int, column: Int, width: Int,
                           replacedByTyping: Bool = false) {
        let line = buffer.lines[0]
        let cursor = buffer.cursor.column
        var start = 0
        while DisplayWidth.of(line[start..<cursor]) >= width, start < cursor { start += 1 }
        let visible = String(line[start...])
        region.put(DisplayWidth.pad(visible, to: width), row: row, column: column, style: .input)
        if replacedByTyping { region.put(DisplayWidth.truncate(visible, to: width), row: row, column: column, style: .selection) }
        let cursorColumn = column + DisplayWidth.of(line[start..<cursor])
        let under = cursor < line.count ? String(line[cursor]) : " "
        region.put(under, row: row, column: cursorColumn, style: .selection)
        region.placeCursor(row: row, column: cursorColumn)
    }
}
