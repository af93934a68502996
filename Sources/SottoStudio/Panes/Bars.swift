/// The title bar (session, model, activity), the tab row of single-pane mode, and the status bar
/// (mode, key hints, the latest message or error).
enum Bars {
    static func drawTitle(_ context: DrawContext, region: Region) {
        guard region.height > 0 else { return }
        let studio = context.model
        var left = " Sotto studio · session \(studio.manifest.id) · \(studio.takes.count) take\(studio.takes.count == 1 ? "" : "s")"
        if let model = studio.activeModel { left += " · \(model.name)" }
        let right = activity(context) + " theme \(studio.themeName) "
        region.fillRow(0, DisplayWidth.truncate(left, to: region.width), style: .header)
        let rightWidth = DisplayWidth.of(right)
        if region.width - DisplayWidth.of(left) > rightWidth + 1 {
            region.put(right, row: 0, column: region.width - rightWidth, style: .header)
        }
    }

    static func activity(_ context: DrawContext) -> String {
        let studio = context.model
        let spinner = context.glyphs.spinnerFrame(at: context.now)
        switch studio.lane.activity {
        case .loading(let modelID, let since, _):
            let name = studio.models.first { $0.id == modelID }?.name ?? modelID
            return "\(spinner) loading \(name) \(Formatting.shortSeconds(context.now - since)) ·"
        case .synthesizing(requestID: let takeID):
            return "\(spinner) synthesizing #\(takeID) ·"
        case .idle:
            return studio.jobs.isEmpty ? "" : "\(spinner) queued ·"
        }
    }

    static func drawTabs(_ context: DrawContext, region: Region) {
        region.fillRow(0, "", style: .header)
        let focus = context.model.focus
        // Full names if they fit, else short ones, else numbers with only the focused pane named.
        let variants: [(Pane) -> String] = [
            { " \($0.number) \($0.description) " },
            { "\($0.number) \($0.description.prefix(3)) " },
            { $0 == focus ? " \($0.number) \($0.description) " : " \($0.number) " },
        ]
        let labels = variants.lazy.map { name in Pane.allCases.map(name) }
            .first { DisplayWidth.of($0.joined()) <= region.width } ?? Pane.allCases.map(variants[2])
        var column = 0
        for (pane, label) in zip(Pane.allCases, labels) {
            let style: StyleRole = pane == focus ? .titleFocus : .header
            region.put(label, row: 0, column: column, style: style)
            column += DisplayWidth.of(label)
        }
    }

    static func hints(for studio: StudioModel) -> String {
        if let overlay = studio.overlay {
            switch overlay {
            case .blind: return "1/2 listen · t switch · Space play/stop · Enter pick · = no preference · n next round · Esc leave"
            case .abx: return "a/b/x listen · t switch · Space play/stop · A: X is A · B: X is B · n next run · Esc stop"
            case .rank: return "1-8 listen · ↑↓ select · K/J move · Space play/stop · Enter rank · n next round · Esc leave"
            case .sweep: return "←↑↓→ move · Enter play · 1-5 stars · x cancel queued · Esc back"
            default: return "↑↓ scroll · Esc close"
            }
        }
        switch studio.mode {
        case .normal:
            return "? help  : command  i edit  s synth  Space play  a/b mark  t A↔B  B blind  Tab pane  q quit"
        case .editingText:
            return "Esc done  F5/^R synth  ^Z undo  ^Y redo  ^C stop  (? help after Esc)"
        case .commandLine:
            return "Enter run · Tab complete · ↑↓ history · Esc cancel"
        case .filter:
            return "type to filter · Enter keep · Esc clear"
        case .field:
            return studio.fieldIsUntouched ? "type to replace · ←→ edit · Enter set · Esc cancel" : "Enter set · Esc cancel"
        }
    }

    static func drawStatus(_ context: DrawContext, region: Region) {
        guard region.height > 0 else { return }
        let studio = context.model
        let (badge, badgeStyle) = modeBadge(studio)
        region.fillRow(0, "", style: .status)
        region.put(badge, row: 0, column: 0, style: badgeStyle)
        let start = DisplayWidth.of(badge) + 1
        let width = region.width - start
        guard width > 0 else { return }
        if studio.mode == .commandLine && studio.overlay == nil {
            ControlsPane.drawEditor(studio.commandLine, in: region, row: 0, column: start + 1, width: width - 1)
            region.put(":", row: 0, column: start, style: .status)
            return
        }
        let hints = hints(for: studio)
        if let message = shownMessage(studio, at: context.now) {
            let text = (message.isError ? context.glyphs.failed + " " : "") + message.text
            let shortHints = studio.mode == .normal && studio.overlay == nil ? messageHints(textWidth: DisplayWidth.of(text), width: width) : ""
            let hintRoom = shortHints.isEmpty ? 0 : DisplayWidth.of(shortHints) + 2
            region.put(DisplayWidth.truncate(text, to: width - hintRoom), row: 0, column: start, style: message.isError ? .error : .status)
            if !shortHints.isEmpty {
                region.put(shortHints, row: 0, column: region.width - DisplayWidth.of(shortHints), style: .statusKey)
            }
        } else {
            region.put(DisplayWidth.truncate(hints, to: width), row: 0, column: start, style: .statusKey)
        }
    }

    /// The message the status bar shows: the latest, unless it is older than the filter, field
    /// or overlay now open (then the hints for it are more use). An error stays regardless.
    static func shownMessage(_ studio: StudioModel, at now: Double) -> StatusLog.Message? {
        guard let message = studio.log.current(at: now) else { return nil }
        let isPlainNormal = studio.mode == .normal && studio.overlay == nil
        if !isPlainNormal, !message.isError, message.at < studio.contextEnteredAt, studio.mode != .commandLine { return nil }
        return message
    }

    /// The hints beside a message of `textWidth` columns in a bar `width` wide. A message cut
    /// short always keeps `m more`, which shows it whole with the other recent messages.
    static func messageHints(textWidth: Int, width: Int) -> String {
        let full = "? help  : cmd  q quit", cut = "m more  ? help  q quit"
        if textWidth + 2 + DisplayWidth.of(full) <= width { return full }
        if width > 60 { return cut }
        return textWidth <= width ? "" : "m more"
    }

    static func modeBadge(_ studio: StudioModel) -> (String, StyleRole) {
        if studio.overlay == .blind { return (" BLIND ", .titleFocus) }
        switch studio.overlay {
        case .help?: return (" HELP ", .titleFocus)
        case .messages?: return (" MESSAGES ", .titleFocus)
        case .tally?: return (" TALLY ", .titleFocus)
        case .sessions?: return (" SESSIONS ", .titleFocus)
        case .abx?: return (" ABX ", .titleFocus)
        case .rank?: return (" RANK ", .titleFocus)
        case .diff?: return (" DIFF ", .titleFocus)
        case .sweep?: return (" SWEEP ", .titleFocus)
        case .blind?, nil: break
        }
        switch studio.mode {
        case .normal: return (" \(studio.focus.description.uppercased()) ", .titleFocus)
        case .editingText: return (" EDIT ", .titleFocus)
        case .commandLine: return (" CMD ", .titleFocus)
        case .filter: return (" FILTER ", .titleFocus)
        case .field(let field): return (" \(field.rawValue.uppercased()) ", .titleFocus)
        }
    }
}
