import SottoMetrics

/// What the take being made (live) or the selected take cost, and the history across takes.
enum MetricsPane {
    struct Line {
        var label: String
        var value: String
        var style: StyleRole = .value
    }

    static func draw(_ context: DrawContext, region: Region) {
        let studio = context.model
        if context.isBlind {
            let inner = context.frame(region, pane: .metrics, title: "Metrics")
            inner.put("Hidden during the blind test.", row: 0, style: .dim)
            return
        }
        let bordered = context.layout.mode != .single
        let labelWidth = min(12, max(8, (region.width - (bordered ? 2 : 0)) * 2 / 5))
        let valueWidth = max(8, region.width - (bordered ? 2 : 0) - labelWidth)
        let (title, lines) = content(context, valueWidth: valueWidth)
        let inner = context.frame(region, pane: .metrics, title: "Metrics", detail: title)
        guard inner.height > 0, inner.width > 0 else { return }
        let history = studio.takes.filter { $0.outcome == .complete }
        let historyRows = history.count >= 2 && inner.height >= lines.count + 2 ? 2 : (history.count >= 2 && inner.height >= 6 ? 1 : 0)
        for (row, line) in lines.prefix(inner.height - historyRows).enumerated() {
            if line.label.isEmpty {
                inner.put(DisplayWidth.truncate(line.value, to: inner.width), row: row, style: line.style)
            } else {
                inner.put(DisplayWidth.pad(line.label, to: labelWidth), row: row, style: .label)
                inner.put(DisplayWidth.truncate(line.value, to: inner.width - labelWidth), row: row, column: labelWidth, style: line.style)
            }
        }
        guard historyRows > 0 else { return }
        let sparkWidth = max(1, inner.width - labelWidth - 8)
        let rtfs = history.map { $0.metrics.realTimeFactor.rtf ?? .nan }
        let row = inner.height - historyRows
        inner.put(DisplayWidth.pad("RTF hist", to: labelWidth), row: row, style: .label)
        inner.put(Sparkline.render(rtfs, width: sparkWidth, glyphs: context.glyphs), row: row, column: labelWidth, style: .sparkline)
        if let last = rtfs.last, last.isFinite {
            inner.put(String(format: " %.2f", last), row: row, column: labelWidth + min(sparkWidth, rtfs.count), style: .dim)
        }
        if historyRows == 2 {
            let firsts = history.map { $0.metrics.timeToFirstAudio ?? .nan }
            inner.put(DisplayWidth.pad("TTFA hist", to: labelWidth), row: row + 1, style: .label)
            inner.put(Sparkline.render(firsts, width: sparkWidth, glyphs: context.glyphs), row: row + 1, column: labelWidth, style: .sparkline)
            if let last = firsts.last, last.isFinite {
                inner.put(String(format: " %.2fs", last), row: row + 1, column: labelWidth + min(sparkWidth, firsts.count), style: .dim)
            }
        }
    }

    /// The pane's subtitle and lines, most important first.
    static func content(_ context: DrawContext, valueWidth: Int) -> (String, [Line]) {
        let studio = context.model
        if let job = studio.liveJob {
            return ("take #\(job.takeID) live", live(job, context: context))
        }
        if let take = studio.selectedTake {
            return ("take #\(take.id)", finished(take, studio: studio, valueWidth: valueWidth))
        }
        return ("", [Line(label: "", value: "No takes yet: type text (i),", style: .dim),
                     Line(label: "", value: "then synthesize (s).", style: .dim)] + memoryLines(studio))
    }

    static func live(_ job: SynthesisJob, context: DrawContext) -> [Line] {
        let progress = job.progress
        let now = context.now
        var lines: [Line] = []
        if let speakers = progress.firstAudioAtSpeakers {
            lines.append(Line(label: "first audio", value: Formatting.seconds(speakers - job.requestedAt) + " to speakers"))
        } else if let ready = progress.firstChunkAt {
            lines.append(Line(label: "first audio", value: Formatting.seconds(ready - job.requestedAt) + " ready"))
        } else {
            lines.append(Line(label: "first audio", value: "waiting " + Formatting.seconds(now - job.requestedAt), style: .accent))
        }
        if let latency = job.speakerLatency {
            lines.append(Line(label: "at speaker", value: latency.label))
        }
        let synthesis = progress.engineStartedAt.map { (progress.finishedAt ?? now) - $0 } ?? 0
        lines.append(Line(label: "", value: RealTimeFactor(computeSeconds: synthesis, audioSeconds: progress.audioSeconds).label))
        switch progress.phase {
        case .queued:
            lines.append(Line(label: "synthesis", value: "queued", style: .dim))
        case .loadingModel:
            let since = progress.loadStartedAt.map { now - $0 } ?? 0
            lines.append(Line(label: "synthesis", value: "loading model " + Formatting.seconds(since), style: .accent))
        default:
            lines.append(Line(label: "synthesis", value: Formatting.seconds(synthesis) + (progress.finishedAt == nil ? " …" : "")))
        }
        lines.append(Line(label: "audio", value: Formatting.seconds(progress.audioSeconds) + " · \(progress.chunks) chunk\(progress.chunks == 1 ? "" : "s")"))
        lines += memoryLines(context.model)
        if progress.loadSeconds > 0 {
            lines.append(Line(label: "model load", value: Formatting.seconds(progress.loadSeconds) + " (in first audio)"))
        }
        return lines
    }

    static func finished(_ take: Take, studio: StudioModel, valueWidth: Int) -> [Line] {
        let metrics = take.metrics
        var lines: [Line] = []
        if let first = metrics.timeToFirstAudio {
            lines.append(Line(label: "first audio", value: Formatting.seconds(first) + (metrics.firstAudioReachedSpeakers ? " to speakers" : " ready")))
        } else {
            lines.append(Line(label: "first audio", value: "–", style: .dim))
        }
        if let latency = metrics.speakerLatency {
            lines.append(Line(label: "at speaker", value: latency.label))
        }
        lines.append(Line(label: "", value: metrics.realTimeFactor.label))
        lines.append(Line(label: "synthesis", value: Formatting.seconds(metrics.synthesisSeconds)))
        lines.append(Line(label: "audio", value: Formatting.seconds(metrics.audioSeconds)))
        if let resident = metrics.residentMB, let peak = metrics.peakResidentMB {
            lines.append(Line(label: "memory", value: Formatting.megabytes(resident) + " · peak " + Formatting.megabytes(peak)))
        }
        if metrics.loadSeconds > 0 {
            lines.append(Line(label: "model load", value: Formatting.seconds(metrics.loadSeconds) + " (in first audio)"))
        }
        if let loudness = metrics.loudness {
            let level = loudness.integratedLUFS.map { String(format: "%.1f LUFS", $0) } ?? "silent"
            lines.append(Line(label: "loudness", value: level + String(format: " · peak %.1f dBFS", loudness.peakDBFS)))
        }
        if let precision = take.settings.precision {
            lines.append(Line(label: "precision", value: precision.rawValue))
        }
        if !metrics.stages.isEmpty {
            let parts = metrics.stages.map { "\($0.name) \(Formatting.seconds($0.seconds))" }
            for (index, row) in wrap(parts, width: valueWidth).enumerated() {
                lines.append(Line(label: index == 0 ? "stages" : " ", value: row))
            }
        }
        var settings = [take.speakerLabel]
        if let seed = take.seed { settings.append("seed \(seed)") }
        settings.append("×" + Formatting.speed(take.settings.speed))
        lines.append(Line(label: "", value: settings.joined(separator: " · "), style: .dim))
        return lines
    }

    /// Parts joined with " · " into rows of at most `width` columns.
    static func wrap(_ parts: [String], width: Int) -> [String] {
        var rows: [String] = []
        var current = ""
        for part in parts {
            let candidate = current.isEmpty ? part : current + " · " + part
            if DisplayWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                rows.append(current)
                current = part
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    static func memoryLines(_ studio: StudioModel) -> [Line] {
        guard let memory = studio.memory else { return [] }
        return [Line(label: "memory", value: Formatting.megabytes(memory.residentMB) + " · peak " + Formatting.megabytes(memory.peakResidentMB))]
    }
}
