import Foundation

/// A run set beside a baseline, cell by cell: the change of each median and whether it is beyond
/// the noise of the two runs.
///
/// The rule: a change is beyond noise when the 95 % bootstrap intervals of the two medians do not
/// overlap. Each interval comes from 2000 resamples of that run's samples drawn with a fixed seed,
/// so the same two reports always give the same verdict.
enum BenchComparison {
    static let rule = "a change is beyond noise when the 95 % bootstrap intervals of the two medians do not overlap"
        + " (2000 resamples, fixed seed)"

    struct Row: Codable {
        var model: String
        var text: String
        var metric: String
        var baselineMedian: Double?
        var currentMedian: Double?
        /// (current − baseline) ÷ baseline.
        var change: Double?
        var baselineInterval: [Double]?
        var currentInterval: [Double]?
        var beyondNoise: Bool
        /// "slower", "faster", "within noise" or "not in baseline".
        var verdict: String

        enum CodingKeys: String, CodingKey {
            case model, text, metric, change, verdict
            case baselineMedian = "baseline_median_seconds", currentMedian = "current_median_seconds"
            case baselineInterval = "baseline_interval_seconds", currentInterval = "current_interval_seconds"
            case beyondNoise = "beyond_noise"
        }
    }

    static func compare(_ current: BenchReport, with baseline: BenchReport) -> [Row] {
        var rows: [Row] = []
        for cell in current.cells {
            let old = baseline.cells.first { $0.model == cell.model && $0.text == cell.text }
            let metrics: [(String, (BenchCell) -> [Double])] = [
                ("first audio", \.firstAudioSamples), ("synthesis", \.synthesisSamples),
            ]
            for (metric, samples) in metrics {
                rows.append(row(model: cell.model, text: cell.text, metric: metric, current: samples(cell),
                                baseline: old.map(samples)))
            }
        }
        return rows
    }

    static func row(model: String, text: String, metric: String, current: [Double], baseline: [Double]?) -> Row {
        let now = current.isEmpty ? nil : median(current)
        guard let baseline, !baseline.isEmpty else {
            return Row(model: model, text: text, metric: metric, currentMedian: now, beyondNoise: false, verdict: "not in baseline")
        }
        let before = median(baseline)
        let oldInterval = MedianBootstrap.interval(baseline)
        let newInterval = MedianBootstrap.interval(current)
        var verdict = "within noise"
        var beyond = false
        if let oldInterval, let newInterval {
            if newInterval.lowerBound > oldInterval.upperBound { verdict = "slower"; beyond = true }
            else if newInterval.upperBound < oldInterval.lowerBound { verdict = "faster"; beyond = true }
        }
        return Row(model: model, text: text, metric: metric, baselineMedian: BenchRounding.seconds(before),
                   currentMedian: BenchRounding.seconds(now),
                   change: now.map { before > 0 ? BenchRounding.ratio(($0 - before) / before)! : 0 },
                   baselineInterval: oldInterval.map { [BenchRounding.sample($0.lowerBound), BenchRounding.sample($0.upperBound)] },
                   currentInterval: newInterval.map { [BenchRounding.sample($0.lowerBound), BenchRounding.sample($0.upperBound)] },
                   beyondNoise: beyond, verdict: verdict)
    }

    static func text(_ rows: [Row]) -> String {
        var table = [["MODEL", "TEXT", "METRIC", "BASELINE P50", "NOW P50", "CHANGE", "95% INTERVALS (baseline | now)", "VERDICT"]]
        for row in rows {
            let intervals: String
            if let old = row.baselineInterval, let new = row.currentInterval {
                intervals = String(format: "%.3f–%.3f | %.3f–%.3f", old[0], old[1], new[0], new[1])
            } else {
                intervals = "-"
            }
            table.append([row.model, row.text, row.metric, BenchRounding.text(row.baselineMedian, decimals: 3),
                          BenchRounding.text(row.currentMedian, decimals: 3),
                          row.change.map { String(format: "%+.1f %%", $0 * 100) } ?? "-", intervals,
                          row.beyondNoise ? "BEYOND NOISE: \(row.verdict)" : row.verdict])
        }
        return "Compared with the baseline; \(rule).\n" + Format.table(table)
    }
}
