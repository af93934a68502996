import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `sotto bench` on the installed Kokoro and Piper models, run as a user would. Speeds are never
/// asserted: only that every figure is there, consistent with the others, and reported alike in
/// the table and the JSON.
@Suite(.serialized) struct BenchCommandTests {
    static let modelFiles = ModelsCommandTests.kokoroFiles + ModelsCommandTests.piperFiles
    static let piper = "piper:en_US-joe-medium"

    /// One `bench --all` run shared by the tests that read it: table, saved JSON and chart.
    struct AllRun: @unchecked Sendable {
        var result: SottoProcess.Result
        var folder: URL
        var report: [String: Any]
        var reportPath: String { folder.appendingPathComponent("all.json").path }
        var chartPath: String { folder.appendingPathComponent("all.svg").path }
    }

    static let allRun: Result<AllRun, any Error> = Result {
        let models = try ScratchModels(linking: modelFiles)
        let folder = models.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try SottoProcess.run(["bench", "--all", "--runs", "3", "--texts", "short", "--models-dir", models.url.path,
                                           "--save", folder.appendingPathComponent("all.json").path,
                                           "--chart", folder.appendingPathComponent("all.svg").path])
        let data = (try? Data(contentsOf: folder.appendingPathComponent("all.json"))) ?? Data()
        let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return AllRun(result: result, folder: folder, report: report)
    }

    static func cells(_ report: [String: Any]) -> [[String: Any]] { report["cells"] as? [[String: Any]] ?? [] }

    static func number(_ cell: [String: Any], _ key: String) -> Double? { (cell[key] as? NSNumber)?.doubleValue }

    @Test func everyModelAndTextHasEveryFigure() throws {
        let run = try Self.allRun.get()
        #expect(run.result.status == 0, "\(run.result.stderr)")
        let cells = Self.cells(run.report)
        #expect(Set(cells.compactMap { $0["model"] as? String }) == ["kokoro:kokoro-v1.0-int8", Self.piper])
        #expect(!(run.report["cpu"] as? String ?? "").isEmpty)
        #expect(!(run.report["tier"] as? String ?? "").isEmpty)
        for cell in cells {
            let name = cell["model"] as? String ?? "?"
            #expect(cell["text"] as? String == "short" && Self.number(cell, "characters") == 12)
            #expect(Self.number(cell, "runs") == 3)
            #expect((cell["first_audio_samples"] as? [Any])?.count == 3 && (cell["synthesis_samples"] as? [Any])?.count == 3)
            let load = try #require(Self.number(cell, "load_seconds"), "\(name)")
            let cold = try #require(Self.number(cell, "cold_first_audio_seconds"), "\(name)")
            let firstP50 = try #require(Self.number(cell, "first_audio_p50_seconds"))
            let firstP95 = try #require(Self.number(cell, "first_audio_p95_seconds"))
            let synthP50 = try #require(Self.number(cell, "synthesis_p50_seconds"))
            let synthP95 = try #require(Self.number(cell, "synthesis_p95_seconds"))
            let rtf = try #require(Self.number(cell, "rtf"))
            let times = try #require(Self.number(cell, "times_realtime"))
            #expect(load > 0 && cold >= load, "\(name): cold \(cold) load \(load)")
            #expect(firstP50 > 0 && firstP95 >= firstP50 && synthP95 >= synthP50 && synthP50 >= firstP50, "\(name)")
            #expect(Self.number(cell, "audio_seconds") ?? 0 > 0)
            // The two conventions are reciprocals (up to the rounding of each).
            #expect(rtf > 0 && times > 0 && abs(rtf * times - 1) < 0.1, "\(name): \(rtf) × \(times)")
            #expect(Self.number(cell, "peak_rss_mb") ?? 0 > 10)
            #expect(Self.number(cell, "threads") ?? 0 >= 1 && !(cell["tier"] as? String ?? "").isEmpty)
        }
    }

    @Test func theTableShowsTheNumbersOfTheJSON() throws {
        let run = try Self.allRun.get()
        let lines = run.result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("cpu ") == true && lines.first?.contains("HdrHistogram") == true)
        let header = try #require(lines.first { $0.hasPrefix("MODEL") })
        let columns = Self.split(header)
        for title in ["LOAD S", "COLD S", "TTFA P50", "TTFA P95", "SYNTH P50", "SYNTH P95", "RTF compute/audio",
                      "×REALTIME audio/compute", "PEAK MB", "THREADS", "TIER", "RUNS"] {
            #expect(columns.contains(title), "no column \(title)")
        }
        let keys: [(String, String, Int)] = [
            ("LOAD S", "load_seconds", 3), ("COLD S", "cold_first_audio_seconds", 3),
            ("TTFA P50", "first_audio_p50_seconds", 3), ("TTFA P95", "first_audio_p95_seconds", 3),
            ("SYNTH P50", "synthesis_p50_seconds", 3), ("SYNTH P95", "synthesis_p95_seconds", 3),
            ("RTF compute/audio", "rtf", 3), ("×REALTIME audio/compute", "times_realtime", 1),
            ("PEAK MB", "peak_rss_mb", 0), ("THREADS", "threads", 0), ("RUNS", "runs", 0),
        ]
        for cell in Self.cells(run.report) {
            let model = try #require(cell["model"] as? String)
            let line = try #require(lines.first { $0.hasPrefix(model + " ") }, "no row for \(model)")
            let values = Self.split(line)
            #expect(values.count == columns.count, "\(line)")
            for (title, key, decimals) in keys {
                let index = try #require(columns.firstIndex(of: title))
                let expected = String(format: "%.\(decimals)f", Self.number(cell, key) ?? .nan)
                #expect(values[index] == expected, "\(model) \(title): table \(values[index]), JSON \(expected)")
            }
            #expect(values[columns.firstIndex(of: "TIER")!] == cell["tier"] as? String)
        }
    }

    @Test func theChartIsAnSVGDocument() throws {
        let run = try Self.allRun.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: run.chartPath))
        let root = RootElement()
        let parser = XMLParser(data: data)
        parser.delegate = root
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(root.name == "svg")
    }

    @Test func csvHasOneLinePerModelAndText() throws {
        let run = try Self.allRun.get()
        let result = try SottoProcess.run(["bench", "--from", run.reportPath, "--csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(lines.count == 3)
        #expect(lines.first?.contains("first_audio_p95_seconds") == true)
        #expect(Set(lines.map(\.count)).count == 1)
    }

    @Test func compareFlagsADoubledTimeAndNotTheSameRun() throws {
        let run = try Self.allRun.get()
        let same = try SottoProcess.run(["bench", "--from", run.reportPath, "--compare", run.reportPath, "--json"])
        #expect(same.status == 0, "\(same.stderr)")
        let sameRows = try Self.comparison(same.stdout)
        #expect(sameRows.count == 4)
        #expect(sameRows.allSatisfy { $0["beyond_noise"] as? Bool == false })

        // A baseline twice as fast as this run: this run is a 2× slowdown against it.
        var faster = run.report
        faster["cells"] = Self.cells(run.report).map { cell in
            var cell = cell
            for key in ["first_audio_samples", "synthesis_samples"] {
                cell[key] = (cell[key] as? [NSNumber] ?? []).map { $0.doubleValue / 2 }
            }
            return cell
        }
        let baseline = run.folder.appendingPathComponent("halved.json")
        try JSONSerialization.data(withJSONObject: faster).write(to: baseline)
        let slower = try SottoProcess.run(["bench", "--from", run.reportPath, "--compare", baseline.path, "--json"])
        #expect(slower.status == 0, "\(slower.stderr)")
        let rows = try Self.comparison(slower.stdout)
        #expect(rows.contains { $0["beyond_noise"] as? Bool == true && $0["verdict"] as? String == "slower" })
        #expect(!rows.contains { $0["verdict"] as? String == "faster" })
        #expect(rows.allSatisfy { abs((($0["change"] as? NSNumber)?.doubleValue ?? 0) - 1) < 0.01 })

        let table = try SottoProcess.run(["bench", "--from", run.reportPath, "--compare", baseline.path])
        #expect(table.stdout.contains("BEYOND NOISE: slower") && table.stdout.contains("bootstrap"))
    }

    @Test func aMissingGnuplotIsOneClearLine() throws {
        let run = try Self.allRun.get()
        let chart = run.folder.appendingPathComponent("none.svg").path
        let result = try SottoProcess.run(["bench", "--from", run.reportPath, "--chart", chart],
                                          environment: ["PATH": "/nonexistent"])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("gnuplot"), "\(result.stderr)")
    }

    @Test func concurrentSessionsOnPiperQueue() throws {
        let models = try ScratchModels(linking: ModelsCommandTests.piperFiles)
        defer { models.cleanup() }
        let saved = models.url.appendingPathComponent("concurrency.json").path
        let result = try SottoProcess.run(["bench", "-m", Self.piper, "--models-dir", models.url.path, "--runs", "3",
                                           "--texts", "short", "--no-cold", "--concurrency", "3", "--save", saved])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("queue"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])
        let rows = try #require(report["concurrency"] as? [[String: Any]])
        let row = try #require(rows.first)
        #expect(rows.count == 1 && row["mode"] as? String == "queue" && Self.number(row, "sessions") == 3)
        let alone = try #require(Self.number(row, "single_first_audio_p50_seconds"))
        let together = try #require(Self.number(row, "first_audio_p50_seconds"))
        #expect(alone > 0 && together > 0 && Self.number(row, "first_audio_p95_seconds") ?? 0 >= together)
        #expect(Self.number(row, "slowdown") ?? 0 > 0)
    }

    @Test func playTimesTheFirstFrameToALSAAndToTheSpeaker() throws {
        let models = try ScratchModels(linking: ModelsCommandTests.piperFiles)
        defer { models.cleanup() }
        // ALSA reads ~/.asoundrc: a private home defines a file device over the null device.
        let home = models.url.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let tap = models.url.appendingPathComponent("tap.raw").path
        try """
            pcm.benchtap {
                type file
                slave.pcm "null"
                file "\(tap)"
                format "raw"
            }
            """.write(to: home.appendingPathComponent(".asoundrc"), atomically: true, encoding: .utf8)
        let result = try SottoProcess.run(["bench", "-m", Self.piper, "--models-dir", models.url.path, "--runs", "2",
                                           "--warmup", "0", "--texts", "short", "--no-cold", "--play", "--device", "benchtap",
                                           "--json"], environment: ["HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let play = try #require(Self.cells(report).first?["play"] as? [String: Any])
        let toAlsa = try #require(Self.number(play, "to_alsa_p50_seconds"))
        let audible = try #require(Self.number(play, "audible_p50_seconds"))
        #expect(toAlsa > 0 && audible >= toAlsa)
        #expect((play["to_alsa_samples"] as? [Any])?.count == 2)
        #expect((try? FileManager.default.attributesOfItem(atPath: tap)[.size] as? Int) ?? 0 > 0)
    }

    // MARK: Helpers

    static func split(_ line: String) -> [String] {
        line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func comparison(_ json: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(report["comparison"] as? [[String: Any]])
    }
}

/// Remembers the name of a document's root element.
private final class RootElement: NSObject, XMLParserDelegate {
    var name: String?
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == nil { name = elementName }
    }
}
