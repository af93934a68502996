import Foundation
import Glibc
import SottoAudio
import SottoKernels
import Testing

/// `sotto say` given what a hostile or unlucky user gives it: closed standard streams, odd
/// output paths, signals, memory limits. Every case ends in correct audio or one clear line and
/// a non-zero status, never a trap (status 132–134) or a hang.
@Suite struct HostileInputTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { "\(folder)/\(name)" }

    private func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }

    private func shell(_ script: String) throws -> SottoProcess.Result { try SottoProcess.shell(script, in: folder) }

    private func expectOneLine(_ result: SottoProcess.Result, mentioning words: [String]) {
        #expect(result.status == 1 || result.status == 64, "status \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
        #expect(lines.count == 1, "\(result.stderr)")
        for word in words { #expect(result.stderr.contains(word), "\(result.stderr)") }
    }

    @Test func closedStandardInputIsOneLine() throws {
        let result = try shell(#""$0" say -m en_US-joe-medium -o x.wav <&-"#)
        expectOneLine(result, mentioning: ["standard input is closed"])
        #expect(contents().isEmpty)
    }

    @Test func closedStandardErrorStillWritesTheFile() throws {
        let result = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o x.wav 2>&-"#)
        #expect(result.status == 0)
        #expect(try AudioFile.read(path("x.wav")).frameCount > 10_000)
    }

    @Test func jsonToAClosedStandardOutputFails() throws {
        let result = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o x.wav --json >&-"#)
        expectOneLine(result, mentioning: ["cannot write to standard output"])
    }

    @Test(arguments: [
        (["--speed", "0"], "--speed must be between 0.25 and 4"),
        (["--speed", "-2"], "--speed must be between 0.25 and 4"),
        (["--threads", "0"], "--threads must be between 1 and 1024"),
        (["--threads", "-3"], "--threads must be between 1 and 1024"),
        (["-o", "-", "--json"], "--json and -o - both write to standard output"),
    ])
    func argumentErrorsAreOneLine(flags: [String], message: String) throws {
        let result = try SottoProcess.run(["say", "Hello."] + flags)
        expectOneLine(result, mentioning: ["sotto: " + message])
        #expect(!result.stderr.contains("Usage") && !result.stderr.contains("Missing value"))
    }

    @Test func dashWritesToStandardOutput() throws {
        let result = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o - > stream.wav"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(contents() == ["stream.wav"], "\(contents())")
        let audio = try AudioFile.read(path("stream.wav"))
        #expect(audio.sampleRate == 22_050 && audio.frameCount > 10_000)
    }

    @Test func aDeviceIsWrittenNotReplaced() throws {
        let full = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o /dev/full --format wav"#)
        expectOneLine(full, mentioning: ["/dev/full", "No space left on device"])
        let null = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o /dev/null --format flac"#)
        #expect(null.status == 0, "\(null.stderr)")
        for device in ["/dev/full", "/dev/null"] {
            var status = stat()
            #expect(lstat(device, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR, "\(device) was replaced")
        }
    }

    @Test func aSymbolicLinkAndAFIFOAreWrittenThrough() throws {
        symlink("real.wav", path("link.wav"))
        let linked = try shell(#""$0" say "Hello there." -m en_US-joe-medium -o link.wav"#)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: path("link.wav"))) == "real.wav")
        #expect(try AudioFile.read(path("real.wav")).frameCount > 10_000)

        #expect(mkfifo(path("fifo"), 0o600) == 0)
        let piped = try shell(#"cat fifo > from-fifo.wav & "$0" say "Hello there." -m en_US-joe-medium -o fifo --format wav; s=$?; wait; exit $s"#)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try AudioFile.read(path("from-fifo.wav")).frameCount > 10_000)
    }

    /// The audio grows in a temporary file as sentences are made: waits for it to hold some.
    private func startLongTake(into name: String) throws -> (Process, Pipe) {
        let text = String(repeating: "This sentence is one of very many in a long text. ", count: 400)
        let process = Process()
        process.executableURL = SottoProcess.executable
        process.arguments = ["say", "-m", "piper", "-o", path(name), text]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        while process.isRunning {
            if let partial = contents().first(where: { $0.hasPrefix(".\(name).partial-") }),
               let size = try? FileManager.default.attributesOfItem(atPath: path(partial))[.size] as? Int, size > 100_000 {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (process, err)
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGINT])
    func aSignalKeepsWhatWasSynthesised(signal: Int32) throws {
        let (process, err) = try startLongTake(into: "signalled.wav")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1, "\(message)")
        #expect(message.contains("stopped; the first") && message.contains("signalled.wav"), "\(message)")
        #expect(contents() == ["signalled.wav"], "\(contents())")
        let seconds = Double(try AudioFile.read(path("signalled.wav")).frameCount) / 22_050
        #expect(seconds > 2 && seconds < 400 * 2.5, "\(seconds) s kept")
    }

    /// `kill -9` cannot be caught: the destination keeps what it held and the temporary file
    /// beside it is a valid WAV of every sentence made (AudioFile.read refuses a header that
    /// promises more audio than the file holds).
    @Test func killNineLeavesAValidWAV() throws {
        FileManager.default.createFile(atPath: path("killed.wav"), contents: Data("previous".utf8))
        let (process, _) = try startLongTake(into: "killed.wav")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try String(contentsOfFile: path("killed.wav"), encoding: .utf8) == "previous")
        let partial = try #require(contents().first { $0.hasPrefix(".killed.wav.partial-") })
        let audio = try AudioFile.read(path(partial))
        #expect(audio.sampleRate == 22_050 && audio.frameCount > 40_000)
    }

    /// Under `ulimit -v 1048576` Kokoro once spun forever in OpenBLAS looking for a work buffer.
    /// Since its convolutions (and, with AVX-512 VNNI, its Linear layers) run on the export's
    /// 8-bit weights it needs less, and that limit now gives the take itself. At 520,000 KB the
    /// take no longer fits: the shortage is found before the allocation and reported, and nothing
    /// is left behind. Other limits fail elsewhere (loading, a tensor): each is one line, never a
    /// trap or a hang. 250,000 KB is too little for the work buffer an OpenBLAS worker maps as it
    /// starts; the worker used to retry forever, and the process hung before any of Sotto's code
    /// could report it (a hang there ignores SIGTERM, so `timeout` sends KILL: status 137).
    @Test(arguments: [("kokoro", "こんにちは。", 1_048_576), ("kokoro", "こんにちは。", 520_000),
                      ("en_US-joe-medium", "Hello there.", 450_000), ("en_US-joe-medium", "Hello there.", 350_000),
                      ("en_US-joe-medium", "Hello there.", 250_000)])
    func anAddressSpaceLimitIsReportedNotAHang(model: String, text: String, kilobytes: Int) throws {
        let result = try shell(#"ulimit -v \#(kilobytes); exec timeout -s KILL 120 "$0" say "\#(text)" -m \#(model) -v jf_alpha -o out.wav"#)
        if result.status == 0 {
            #expect(try AudioFile.read(path("out.wav")).frameCount > 1_000)
        } else {
            expectOneLine(result, mentioning: ["sotto: "])
            #expect(contents().isEmpty, "\(contents())")
        }
        if model == "kokoro" && kilobytes == 1_048_576 && KernelTier.active != .amx {
            // The case from the report: on the integer tiers it now speaks (the AMX tier keeps
            // bf16 weights, twice the bytes, and may report the shortage instead).
            #expect(result.status == 0, "\(result.stderr)")
        }
        if model == "kokoro" && kilobytes == 520_000 {
            // The shortage is reported, not a hang. Measured on an AVX-512 VNNI CPU with one
            // malloc heap under the limit: up to 496,000 KB it stops while loading, 504,000–528,000
            // at OpenBLAS's 134 MB work buffer (checked before OpenBLAS is entered), 536,000–568,000
            // at a tensor, and from about 572,000 the take fits (the edge itself: a later test).
            #expect(result.stderr.contains("not enough memory to"), "\(result.stderr)")
        }
    }

    /// Limits from just above where the dynamic loader can map Sotto's libraries (about
    /// 150,000 KB) up to where the weights load: each ends in one line. Found on an AVX-512 CPU
    /// sweeping 1,000 KB apart: below about 280,000 KB an OpenBLAS worker retried its buffer
    /// forever at load (a hang); where a few MB were left, the catalog's check of the ONNX graph
    /// and the parse of the graph grew arrays that could not grow (Swift's "failed to allocate"
    /// trap, or a crash in printing it); with less, any small allocation could be the one.
    @Test(arguments: ["kokoro", "en_US-joe-medium"])
    func everyLowLimitIsOneLine(model: String) throws {
        for kilobytes in stride(from: 160_000, through: 300_000, by: 5_000) {
            let result = try shell(#"ulimit -v \#(kilobytes); exec timeout -s KILL 30 "$0" say "Hello there." -m \#(model) -o out.wav"#)
            #expect(result.status == 1, "\(kilobytes) KB: status \(result.status): \(result.stderr.prefix(400))")
            let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
            #expect(lines.count == 1 && lines[0].hasPrefix("sotto: ") && lines[0].contains("memory"),
                    "\(kilobytes) KB: \(result.stderr.prefix(400))")
            #expect(contents().isEmpty, "\(kilobytes) KB left \(contents())")
        }
    }

    /// A Qwen3-TTS clone (the tiny test model) under limits 4,000 KB apart across both of its
    /// edges: where one OpenBLAS thread's buffer stops fitting (about 322,000 KB on an AVX-512
    /// CPU) and where a second thread's does (about 462,000). Each run is one line or the take.
    /// Found there, 1,000 KB apart: at 524,000 KB the room check for the first work buffer passed
    /// by less than the job table and matrices of the product that takes it, and OpenBLAS retried
    /// the failing 134 MB malloc forever (status 137 here); with other processes running, a glibc
    /// thread arena's 64 MB reservation did the same anywhere from 462,000 KB up.
    @Test func qwen3CloneAcrossItsEdgesIsAudioOrOneLine() throws {
        let model = try SayCloneTests.modelFolder()
        defer { try? FileManager.default.removeItem(at: model) }
        let reference = SayCloneTests.fixture.appendingPathComponent("ref_24k_mono.wav").path
        var outcomes: [String] = []
        for kilobytes in stride(from: 300_000, through: 560_000, by: 4_000) {
            let result = try shell(#"ulimit -v \#(kilobytes); exec timeout -s KILL 30 "$0" say "Hello there." -m '\#(model.path)' --reference '\#(reference)' --x-vector-only --max-frames 4 -o out.wav"#)
            if result.status == 0 {
                #expect(try AudioFile.read(path("out.wav")).frameCount > 1_000)
                try? FileManager.default.removeItem(atPath: path("out.wav"))
                outcomes.append("audio")
            } else {
                #expect(result.status == 1, "\(kilobytes) KB: status \(result.status): \(result.stderr.prefix(400))")
                let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
                #expect(lines.count == 1 && lines[0].hasPrefix("sotto: not enough memory to"), "\(kilobytes) KB: \(result.stderr.prefix(400))")
                #expect(contents().isEmpty, "\(kilobytes) KB left \(contents())")
                outcomes.append("shortage")
            }
        }
        // The sweep spans an edge: the lowest limit is short and the highest speaks.
        #expect(outcomes.first == "shortage" && outcomes.last == "audio", "\(outcomes)")
    }

    /// Limits from where the Kokoro take stops on a tensor to where it fits, a few MB apart, so
    /// that at some of them the limit runs out inside OpenBLAS: every outcome is audio or Sotto's
    /// one line. Measured on an AVX-512 VNNI CPU before the fix, 2,000 KB apart: at 596,000 KB the
    /// first product to need a work buffer mapped it with no check and OpenBLAS retried the
    /// failing allocation forever (ignoring SIGTERM, hence the KILL), and at 600,000 and 610,000
    /// OpenBLAS exited with its own "malloc failed in gemm_driver".
    @Test func everyLimitNearTheEdgeIsAudioOrOneLine() throws {
        var outcomes: [String] = []
        // With one malloc heap under a limit (no 64 MB thread arenas) the take fits from about
        // 572,000 KB; 504,000–528,000 stop at OpenBLAS's buffer, 536,000–568,000 at a tensor.
        for kilobytes in stride(from: 500_000, through: 640_000, by: 5_000) {
            let name = "limit-\(kilobytes).wav"
            let result = try shell(#"ulimit -v \#(kilobytes); exec timeout -s KILL 60 "$0" say "こんにちは。" -m kokoro -v jf_alpha -o \#(name)"#)
            #expect(!result.stderr.contains("malloc failed"), "\(kilobytes) KB: \(result.stderr)")
            if result.status == 0 {
                #expect(try AudioFile.read(path(name)).frameCount > 1_000)
                outcomes.append("audio")
            } else {
                expectOneLine(result, mentioning: ["sotto: not enough memory to"])
                #expect(!contents().contains(name), "\(kilobytes) KB left \(name)")
                outcomes.append("shortage")
            }
        }
        // The sweep spans the edge: the lowest limit is short and the highest speaks.
        #expect(outcomes.first == "shortage" && outcomes.last == "audio", "\(outcomes)")
    }
}
