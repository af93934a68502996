import Foundation
import SottoAudio
import SottoCore
import SottoEngines
import SottoStudio
import Testing

/// "Copy as command": the `sotto say` line for a take, read back by a real shell, and run to make
/// the same audio as the studio made.
@Suite struct CopyAsCommandTests {
    static func take(text: String, voice: String? = "jf_alpha:0.7,jm_kumo:0.3", speed: Double = 0.85) -> Take {
        Take(id: 3, createdAt: Date(), text: text,
             model: TakeModel(id: "kokoro:kokoro-v1.0-int8", name: "kokoro-v1.0-int8", kind: .kokoro, variant: nil),
             settings: VoiceSettings(voice: voice, instruct: "Speak warmly; don't rush.", language: "en-us", speed: speed,
                                     precision: .int8),
             seed: 1234, sampleRate: 24_000, frames: 1, audioFile: nil, metrics: TakeMetrics(), notes: [], outcome: .complete)
    }

    /// The words `/bin/sh` makes of `line` with its first word replaced by a printer of its arguments.
    static func shellWords(_ line: String) throws -> [String] {
        let rest = try #require(line.split(separator: " ", maxSplits: 1).last)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "printf '%s\\0' " + rest]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test(arguments: [
        "Hello there.",
        "It's $HOME, `date`, $(id) and \"quotes\" \\ a backslash; rm -rf * & done",
        "Two lines,\nand a tab\there. 日本語のテキスト。 🎙️",
        "-starts with a dash",
        "'",
    ])
    func aShellReadsTheCommandBackWordForWord(text: String) throws {
        let take = Self.take(text: text)
        let line = SayCommand.line(for: take, modelsDirectory: "/tmp/my models")
        #expect(line.hasPrefix("sotto say -m kokoro:kokoro-v1.0-int8 -v jf_alpha:0.7,jm_kumo:0.3 "))
        #expect(try Self.shellWords(line) == SayCommand.arguments(for: take, modelsDirectory: "/tmp/my models"))
    }

    @Test func everySettingIsInTheCommand() {
        let words = SayCommand.arguments(for: Self.take(text: "Hi."))
        #expect(words == ["say", "-m", "kokoro:kokoro-v1.0-int8", "-v", "jf_alpha:0.7,jm_kumo:0.3",
                          "--instruct", "Speak warmly; don't rush.", "--language", "en-us", "--speed", "0.85",
                          "--seed", "1234", "--precision", "int8", "Hi."])
        // A dash-led text ends the options first; a voice named after its model and speed 1 are left out.
        var piper = Self.take(text: "-5 degrees", voice: "en_US-joe-medium", speed: 1)
        piper.model = TakeModel(id: "piper:en_US-joe-medium", name: "en_US-joe-medium", kind: .piper, variant: nil)
        piper.settings.instruct = ""
        piper.settings.precision = nil
        #expect(SayCommand.arguments(for: piper) == ["say", "-m", "piper:en_US-joe-medium", "--language", "en-us", "--seed", "1234",
                                                      "--", "-5 degrees"])
    }

    @Test func theClipboardSequenceIsOSC52WithTheTextInBase64() {
        #expect(SayCommand.clipboardSequence("sotto say 'Hi.'") == "\u{1B}]52;c;c290dG8gc2F5ICdIaS4n\u{07}")
    }

    @Test func copyingWithoutATakeIsAnError() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder))
        defer { studio.shutdown() }
        studio.handle(.character("y"))
        #expect(studio.log.current(at: studio.now)?.isError == true)
        #expect(studio.takeClipboardRequest() == nil)
    }

    @Test(.enabled(if: TestModels.isInstalled("piper"), "the Piper voices are not installed (Scripts/setup)"))
    func theCopiedCommandMakesThePiperTakeAgain() throws {
        let folder = ScratchFolder()
        let models = folder.path("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: models.appendingPathComponent("piper"),
                                                   withDestinationURL: TestModels.installed.appendingPathComponent("piper"))
        let piper = try #require(ModelFamilies.standard.family(for: .piper))
        let studio = try makeStudio(folder: folder, models: models, loader: piper)
        defer { studio.shutdown() }
        #expect(studio.settle(timeout: 60) { !studio.loadedModels.isEmpty || !studio.loadFailures.isEmpty })
        studio.command("autoplay off")
        studio.command("speed 1.1")
        studio.command("seed 4242")
        studio.handle(.character("i"))
        studio.type("It's 7 o'clock; \"copy\" me!")
        studio.handle(.escape)
        studio.handle(.character("s"))
        studio.settle(timeout: 60) { studio.takes.count == 1 && studio.jobs.isEmpty }
        let take = try #require(studio.takes.last)
        studio.handle(.character("y"))
        let line = try #require(studio.takeClipboardRequest())
        #expect(studio.log.current(at: studio.now)?.text == "copied: " + line)
        #expect(line.contains("--seed 4242") && line.contains("--speed 1.1") && line.contains("--models-dir"))

        // The line as a person would paste it, with the file to write added.
        let out = folder.path("again.wav").path
        let command = TmuxStudio.shellQuote(TmuxStudio.executable.path) + line.dropFirst("sotto".count)
            + " -o " + TmuxStudio.shellQuote(out) + " --format wav-float"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(command): \(stderr)")

        let made = try AudioFile.read(studio.session.audioURL(try #require(take.audioFile)).path)
        let again = try AudioFile.read(out)
        #expect(again.sampleRate == made.sampleRate)
        #expect(again.frameCount == made.frameCount)
        let difference = zip(made.samples, again.samples).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference < 1e-4, "largest difference \(difference)")
    }
}
