import SottoAudio

/// The waveform (or spectrogram) of the take playing (or selected) with a moving playhead, and
/// what playback is doing or why it cannot.
enum PlaybackStrip {
    struct Source {
        var takeID: Int
        var label: String
        var levels: [Double]
        var seconds: Double
        /// The take's spectrum while the strip shows spectrograms.
        var spectrogram: Spectrogram? = nil
    }

    static func draw(_ context: DrawContext, region: Region, source: Source?) {
        let layout = context.layout
        let snapshot = context.playback
        if layout.mode == .single {
            drawCompact(context, region: region, source: source)
            return
        }
        let title = context.model.stripView == .spectrogram ? "Playback · spectrogram" : "Playback"
        let inner = PaneFrame.draw(region, title: title, detail: "device \(snapshot.deviceName)", focused: false, glyphs: context.glyphs)
        guard inner.height > 0 else { return }
        var (status, style) = statusLine(context, source: source)
        // Why playback cannot work must be read whole: it takes a row from the waveform when
        // there are rows to spare, else it is said in short with the way to the full message.
        var statusRows = [status]
        if DisplayWidth.of(status) > inner.width, let reason = failureReason(snapshot) {
            if inner.height >= 3 {
                let rows = SoftWrap.rows(of: status, width: inner.width)
                statusRows = Array(rows.prefix(2))
                // More than two rows: the second says, with an ellipsis, that there is more.
                if rows.count > 2 { statusRows[1] = DisplayWidth.truncate(rows[1...].joined(separator: " "), to: inner.width) }
            } else {
                status = unavailable(reason, short: true, device: snapshot.deviceName)
                statusRows = [status]
            }
        }
        let waveRows = max(1, inner.height - statusRows.count)
        let hasPosition = [.playing, .stopped, .finished].contains(snapshot.phase)
        let isShowingPlayback = source != nil && snapshot.takeID == source?.takeID && hasPosition
        let headColumn: Int? = {
            // How far through a sample the playhead is would tell its length: not while blind.
            guard let source, isShowingPlayback, source.seconds > 0, !context.isBlind else { return nil }
            return min(inner.width - 1, Int(snapshot.playheadSeconds / source.seconds * Double(inner.width)))
        }()
        if let source {
            drawPicture(source, in: inner.sub(Rect(row: 0, column: 0, width: inner.width, height: waveRows)),
                        headColumn: headColumn, context: context)
        } else {
            inner.put("No take selected.", row: 0, style: .dim)
        }
        for (index, text) in statusRows.enumerated() {
            inner.fillRow(inner.height - statusRows.count + index, DisplayWidth.truncate(text, to: inner.width), style: style)
        }
    }

    /// The spectrogram when there is one to show (never during a blind test: a spectrum tells
    /// takes apart as surely as a label), else the waveform.
    static func drawPicture(_ source: Source, in region: Region, headColumn: Int?, context: DrawContext) {
        if let spectrogram = source.spectrogram, !context.isBlind {
            let image = spectrogram.image(columns: region.width, rows: region.height)
            drawSpectrogram(image, in: region, headColumn: headColumn, glyphs: context.glyphs)
        } else {
            let levels = source.levels.count == region.width ? source.levels : resample(source.levels, to: region.width)
            drawWave(levels, in: region, rows: region.height, headColumn: headColumn, blind: context.isBlind, glyphs: context.glyphs)
        }
    }

    /// Shaded cells, louder darker; the playhead is a line down its column.
    static func drawSpectrogram(_ image: SpectrogramImage, in region: Region, headColumn: Int?, glyphs: Glyphs) {
        for row in 0..<min(image.rows, region.height) {
            for column in 0..<min(image.columns, region.width) {
                if column == headColumn {
                    region.put(glyphs.vertical, row: row, column: column, style: .playhead)
                    continue
                }
                let level = image.level(row: row, column: column)
                let style: StyleRole = level >= 0.625 ? .spectrogramPeak : .spectrogram
                region.put(glyphs.shade(level), row: row, column: column, style: style)
            }
        }
    }

    static func drawWave(_ levels: [Double], in region: Region, rows: Int, headColumn: Int?, blind: Bool, glyphs: Glyphs) {
        let width = region.width
        for column in 0..<min(width, levels.count) {
            let isHead = column == headColumn
            let played = headColumn.map { column < $0 } ?? false
            // During a blind test the shape could give the takes away: show only progress.
            let level = blind ? 0.3 : levels[column]
            let units = level * Double(rows * 8)
            for row in 0..<rows {
                let fromBottom = rows - 1 - row
                let fill = min(max(units - Double(fromBottom * 8), 0), 8) / 8
                var glyph = glyphs.level(fill)
                if isHead && glyph == " " { glyph = glyphs.vertical }
                let style: StyleRole = isHead ? .playhead : (played ? .waveformPlayed : .waveform)
                region.put(glyph, row: row, column: column, style: style)
            }
        }
    }

    static func statusLine(_ context: DrawContext, source: Source?) -> (String, StyleRole) {
        let snapshot = context.playback
        let glyphs = context.glyphs
        let name = context.isBlind ? context.model.blindSampleName : (source?.label ?? "")
        let total = source?.seconds ?? snapshot.availableSeconds
        if context.isBlind {
            // Not even the position: where a sample stops would tell its length, and its length
            // could give it away.
            switch snapshot.phase {
            case .playing:
                return ("\(glyphs.play) \(name)", .playing)
            case .opening, .waitingForAudio:
                return ("\(glyphs.spinnerFrame(at: context.now)) \(name)", .accent)
            case .failed(let message):
                return (unavailable(message), .error)
            case .finished, .stopped, .idle:
                if let error = snapshot.lastError { return (unavailable(error), .error) }
                return ("\(glyphs.stop) \(name) · Space plays", .dim)
            }
        }
        switch snapshot.phase {
        case .playing:
            let growing = snapshot.isGrowing ? " (still synthesizing)" : ""
            return ("\(glyphs.play) \(name)  \(Formatting.clock(snapshot.playheadSeconds)) / \(Formatting.clock(max(total, snapshot.availableSeconds)))\(growing)", .playing)
        case .opening:
            return ("\(glyphs.spinnerFrame(at: context.now)) opening \(snapshot.deviceName)…", .accent)
        case .waitingForAudio:
            return ("\(glyphs.spinnerFrame(at: context.now)) \(name): plays as soon as the first audio exists", .accent)
        case .failed(let message):
            return (unavailable(message), .error)
        case .finished, .stopped, .idle:
            if let error = snapshot.lastError { return (unavailable(error), .error) }
            let position = snapshot.phase == .stopped ? "  stopped at \(Formatting.clock(snapshot.playheadSeconds))" : ""
            // With no take there is nothing for Space to play or v to show.
            guard source != nil else { return ("\(glyphs.stop) nothing playing", .dim) }
            let other = context.model.stripView.toggled.rawValue
            return ("\(glyphs.stop) \(name)  \(Formatting.clock(total))\(position) · Space plays · v \(other)", .dim)
        }
    }

    /// What stopped playback from working, while the strip shows it.
    static func failureReason(_ snapshot: PlaybackSnapshot) -> String? {
        switch snapshot.phase {
        case .failed(let message): return message
        case .finished, .stopped, .idle: return snapshot.lastError
        default: return nil
        }
    }

    /// Why nothing plays, and what still works. The short form keeps the reason's first clause
    /// ("no audio device") and points to the messages for the rest.
    static func unavailable(_ reason: String, short: Bool = false, device: String = "") -> String {
        let noDevice = reason.contains("no audio device")
        if short {
            let clause = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
            return "playback unavailable: \(clause) (\(device))" + (noDevice ? " · e exports" : "") + " · m says why"
        }
        let hint = noDevice ? " · e exports the take · :device NAME picks another device" : ""
        return "playback unavailable: \(reason)\(hint)"
    }

    static func drawCompact(_ context: DrawContext, region: Region, source: Source?) {
        if region.height > 1 {
            drawStacked(context, region: region, source: source)
            return
        }
        let (status, style) = statusLine(context, source: source)
        let statusWidth = min(DisplayWidth.of(status), max(10, region.width / 2))
        region.fillRow(0, DisplayWidth.truncate(status, to: statusWidth), style: style)
        let waveWidth = region.width - statusWidth - 1
        guard waveWidth > 3, let source else { return }
        let wave = region.sub(Rect(row: 0, column: statusWidth + 1, width: waveWidth, height: 1))
        let snapshot = context.playback
        let head: Int? = snapshot.takeID == source.takeID && snapshot.isActive && source.seconds > 0 && !context.isBlind
            ? min(waveWidth - 1, Int(snapshot.playheadSeconds / source.seconds * Double(waveWidth))) : nil
        let levels = resample(source.levels, to: waveWidth)
        drawWave(levels, in: wave, rows: 1, headColumn: head, blind: context.isBlind, glyphs: context.glyphs)
    }

    /// A strip of several rows in single-pane mode: the status over the picture, both full width.
    static func drawStacked(_ context: DrawContext, region: Region, source: Source?) {
        let (status, style) = statusLine(context, source: source)
        region.fillRow(0, DisplayWidth.truncate(status, to: region.width), style: style)
        guard let source else { return }
        let picture = region.sub(Rect(row: 1, column: 0, width: region.width, height: region.height - 1))
        let snapshot = context.playback
        let head: Int? = snapshot.takeID == source.takeID && snapshot.isActive && source.seconds > 0 && !context.isBlind
            ? min(region.width - 1, Int(snapshot.playheadSeconds / source.seconds * Double(region.width))) : nil
        drawPicture(source, in: picture, headColumn: head, context: context)
    }

    static func resample(_ levels: [Double], to count: Int) -> [Double] {
        guard !levels.isEmpty, count > 0 else { return [] }
        return (0..<count).map { column in
            let start = column * levels.count / count
            let end = max(start + 1, (column + 1) * levels.count / count)
            return levels[start..<min(end, levels.count)].max() ?? 0
        }
    }
}
