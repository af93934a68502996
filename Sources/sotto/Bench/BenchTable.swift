import Foundation

/// The report as one table (or CSV): a row per model and text.
enum BenchTable {
    struct Column {
        var title: String
        var csv: String
        var value: (BenchCell) -> String
    }

    static func columns(play: Bool) -> [Column] {
        var columns = [
            Column(title: "MODEL", csv: "model") { $0.model },
            Column(title: "VOICE", csv: "voice") { $0.voice ?? "-" },
            Column(title: "TEXT", csv: "text") { "\($0.text) (\($0.characters))" },
            Column(title: "RUNS", csv: "runs") { String($0.runs) },
            Column(title: "LOAD S", csv: "load_seconds") { BenchRounding.text($0.loadSeconds, decimals: 3) },
            Column(title: "COLD S", csv: "cold_first_audio_seconds") { BenchRounding.text($0.coldFirstAudioSeconds, decimals: 3) },
            Column(title: "TTFA P50", csv: "first_audio_p50_seconds") { BenchRounding.text($0.firstAudioP50, decimals: 3) },
            Column(title: "TTFA P95", csv: "first_audio_p95_seconds") { BenchRounding.text($0.firstAudioP95, decimals: 3) },
            Column(title: "SYNTH P50", csv: "synthesis_p50_seconds") { BenchRounding.text($0.synthesisP50, decimals: 3) },
            Column(title: "SYNTH P95", csv: "synthesis_p95_seconds") { BenchRounding.text($0.synthesisP95, decimals: 3) },
            Column(title: "AUDIO S", csv: "audio_seconds") { BenchRounding.text($0.audioSeconds, decimals: 3) },
            Column(title: "RTF compute/audio", csv: "rtf") { BenchRounding.text($0.rtf, decimals: 3) },
            Column(title: "×REALTIME audio/compute", csv: "times_realtime") { BenchRounding.text($0.timesRealtime, decimals: 1) },
            Column(title: "PEAK MB", csv: "peak_rss_mb") { BenchRounding.text($0.peakRssMB, decimals: 0) },
            Column(title: "THREADS", csv: "threads") { String($0.threads) },
            Column(title: "TIER", csv: "tier") { $0.tier },
        ]
        if play {
            columns += [
                Column(title: "TO ALSA P50", csv: "to_alsa_p50_seconds") { BenchRounding.text($0.play?.toAlsaP50, decimals: 3) },
                Column(title: "TO ALSA P95", csv: "to_alsa_p95_seconds") { BenchRounding.text($0.play?.toAlsaP95, decimals: 3) },
                Column(title: "AUDIBLE P50", csv: "audible_p50_seconds") { BenchRounding.text($0.play?.audibleP50, decimals: 3) },
                Column(title: "AUDIBLE P95", csv: "audible_p95_seconds") { BenchRounding.text($0.play?.audibleP95, decimals: 3) },
            ]
        }
        return columns
    }

    static func text(_ report: BenchReport) -> String {
        let columns = columns(play: report.cells.contains { $0.play != nil })
        var lines = ["cpu \(report.cpu.isEmpty ? "unknown" : report.cpu) · \(report.threads) threads · \(report.tier) kernels"
            + " · \(report.runsPerText) timed runs per row after \(report.warmup) warm-up · p50/p95 from HdrHistogram"]
        lines.append(Format.table([columns.map(\.title)] + report.cells.map { cell in columns.map { $0.value(cell) } }))
        lines.append("TTFA: request to first audio, warm. COLD: a fresh `sotto say` process, start to first audio."
            + " SYNTH: request to last audio. RTF: compute ÷ audio (lower is faster); ×REALTIME: audio ÷ compute (higher is faster).")
        if let results = report.concurrency, !results.isEmpty {
            lines.append("")
            lines.append(concurrencyText(results))
        }
        if let rows = report.comparison {
            lines.append("")
            lines.append(BenchComparison.text(rows))
        }
        return lines.joined(separator: "\n")
    }

    static func concurrencyText(_ results: [ConcurrencyResult]) -> String {
        var rows = [["MODEL", "TEXT", "MODE", "SESSIONS", "ROUNDS", "TTFA P50 ALONE", "TTFA P95 ALONE", "TTFA P50 AT N",
                     "TTFA P95 AT N", "SLOWDOWN", "THROUGHPUT audio s/wall s"]]
        for result in results {
            rows.append([result.model, result.text, result.mode, String(result.sessions), String(result.rounds),
                         BenchRounding.text(result.singleFirstAudioP50, decimals: 3),
                         BenchRounding.text(result.singleFirstAudioP95, decimals: 3),
                         BenchRounding.text(result.firstAudioP50, decimals: 3),
                         BenchRounding.text(result.firstAudioP95, decimals: 3),
                         result.slowdown.map { String(format: "%.2f×", $0) } ?? "-",
                         result.mode == "batch" ? BenchRounding.text(result.throughput, decimals: 2) : "-"])
        }
        let note = results.contains { $0.mode == "queue" }
            ? "queue: the model's lane runs one request at a time, so N sessions wait for each other; this is latency under load, not throughput."
            : "batch: the engine decodes the sessions together; throughput is audio seconds made per wall-clock second."
        return Format.table(rows) + "\n" + note
    }

    static func csv(_ report: BenchReport) -> String {
        let columns = columns(play: report.cells.contains { $0.play != nil })
        var lines = [(["cpu"] + columns.map(\.csv)).map(csvField).joined(separator: ",")]
        for cell in report.cells {
            let values = [report.cpu] + columns.map { column in
                column.csv == "text" ? cell.text : column.value(cell)
            }
            lines.append(values.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
