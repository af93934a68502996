import Foundation
import SottoCore

/// Draws the latency distributions of a report with gnuplot: every run as a point per model and
/// text, time to first audio and synthesis side by side, with their medians marked.
enum BenchChart {
    enum Kind {
        case svg, png

        init(path: String) throws {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "svg": self = .svg
            case "png": self = .png
            default: throw SottoError("--chart must name a .svg or .png file")
            }
        }
    }

    /// gnuplot on the PATH, or an error that says how to get it.
    static func gnuplot() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw SottoError("--chart needs gnuplot, which is not installed (Debian: apt-get install gnuplot-nox, or run Scripts/setup)")
    }

    static func script(_ report: BenchReport, kind: Kind, output: String) -> String {
        let cells = report.cells
        var lines: [String] = []
        switch kind {
        case .svg: lines.append("set terminal svg size 1100,560 dynamic enhanced font 'sans,11' background rgb 'white'")
        case .png: lines.append("set terminal png size 1100,560 enhanced font 'sans,11' background rgb 'white'")
        }
        lines.append("set output \(quoted(output))")
        lines.append("set title \(quoted("sotto bench · \(report.cpu) · \(report.threads) threads · \(report.tier) kernels · \(report.runsPerText) runs per text"))")
        lines.append("set ylabel 'seconds (log scale)'")
        lines.append("set logscale y")
        lines.append("set grid ytics")
        lines.append("set key outside right top vertical")
        lines.append("set xrange [0.5:\(Double(cells.count) + 0.5)]")
        let tics = cells.enumerated().map { index, cell in "\(quoted("\(cell.model)\\n\(cell.text)")) \(index + 1)" }
        lines.append("set xtics (\(tics.joined(separator: ", "))) noenhanced")
        lines.append("set bars 0")

        func block(_ name: String, _ rows: [String]) {
            lines.append("$\(name) << EOD")
            lines += rows.isEmpty ? ["1 NaN"] : rows
            lines.append("EOD")
        }
        block("first", cells.enumerated().flatMap { index, cell in cell.firstAudioSamples.map { "\(index + 1) \($0)" } })
        block("synth", cells.enumerated().flatMap { index, cell in cell.synthesisSamples.map { "\(index + 1) \($0)" } })
        block("medians", cells.enumerated().map { index, cell in
            "\(index + 1) \(cell.firstAudioP50.map { String($0) } ?? "NaN") \(cell.synthesisP50.map { String($0) } ?? "NaN")"
        })
        lines.append("""
            plot $first using ($1-0.12):2 with points pt 7 ps 1.0 lc rgb '#1f77b4' title 'time to first audio (each run)', \\
                 $synth using ($1+0.12):2 with points pt 7 ps 1.0 lc rgb '#d62728' title 'synthesis (each run)', \\
                 $medians using ($1-0.12):2 with points pt 3 ps 2.2 lc rgb '#0b3d66' title 'median, first audio', \\
                 $medians using ($1+0.12):3 with points pt 3 ps 2.2 lc rgb '#7a1010' title 'median, synthesis'
            """)
        lines.append("unset output")
        return lines.joined(separator: "\n") + "\n"
    }

    static func draw(_ report: BenchReport, to path: String) throws {
        let kind = try Kind(path: path)
        let executable = try gnuplot()
        let process = Process()
        process.executableURL = executable
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(script(report, kind: kind, output: path).utf8))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: message, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw SottoError("gnuplot could not draw \(path): \(last)")
        }
    }

    /// A gnuplot string in double quotes, where `\n` is a line break.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
