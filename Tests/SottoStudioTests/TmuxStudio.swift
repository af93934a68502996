import Foundation
import SottoCore

/// The real `sotto` binary running in a private tmux server, driven the way a person would:
/// keys in with `send-keys`, the screen read back with `capture-pane`.
///
/// Lessons built in: the server is started through a shell that closes inherited descriptors
/// (a tmux server holding the test's pipes makes `Process` wait for ever); the program runs under
/// a wrapper shell that prints `[exit N]` and stays, so its end can be seen; every wait polls the
/// screen with a deadline and fails with the screen attached instead of hanging; each studio has
/// its own socket, home and XDG folders.
final class TmuxStudio {
    static let tmux = "/usr/bin/tmux"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: tmux) }

    /// The `sotto` executable built alongside the test bundle.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("sotto").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("sotto")
    }

    let home: ScratchFolder
    let socket = "sotto-test-\(UUID().uuidString.prefix(8))"
    let models: URL
    private(set) var isRunning = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A studio with its own home folder (so its own sessions and settings) over `models`.
    init(models: URL, home: ScratchFolder = ScratchFolder("tmux-home")) {
        self.models = models
        self.home = home
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    var dataDirectory: URL { home.path("data") }
    var configDirectory: URL { home.path("config") }
    var sessionsDirectory: URL { dataDirectory.appendingPathComponent("sotto/sessions") }

    /// Starts `sotto ARGUMENTS` in a `width`×`height` terminal and waits for its first frame.
    func launch(_ arguments: [String] = [], width: Int = 100, height: Int = 30, term: String = "tmux-256color",
                firstFrame: String = "? help") throws {
        let script = home.path("run-\(UUID().uuidString.prefix(6)).sh")
        let quoted = ([Self.executable.path] + arguments).map(Self.shellQuote).joined(separator: " ")
        let environment = [
            "HOME": home.url.path, "XDG_DATA_HOME": dataDirectory.path, "XDG_CONFIG_HOME": configDirectory.path,
            "SOTTO_MODELS_DIR": models.path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": term,
        ]
        let exports = environment.sorted { $0.key < $1.key }.map { "export \($0.key)=\(Self.shellQuote($0.value))" }
        try (["#!/bin/sh"] + exports + ["\(quoted) 2>>\(Self.shellQuote(home.path("stderr.txt").path))", "echo \"[exit $?]\"", "exec sleep 600"])
            .joined(separator: "\n").write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        if isRunning {
            try tmux(["respawn-pane", "-k", "-t", "studio", script.path])
        } else {
            // Started through bash so the server inherits no descriptor but 0-2, all /dev/null.
            let command = "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] 2>/dev/null && eval \"exec $n>&-\"; done; "
                + "exec \(Self.tmux) -L \(socket) -f /dev/null new-session -d -s studio -x \(width) -y \(height) \(Self.shellQuote(script.path))"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", command]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw Failure(description: "tmux new-session failed") }
            isRunning = true
        }
        if width > 0 { try resize(width: width, height: height) }
        try waitFor(firstFrame)
    }

    /// Presses keys by tmux name: "Escape", "Enter", "C-z", "Up", "q".
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "studio"] + keys)
    }

    /// Types text literally.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "studio", "-l", text])
    }

    /// `:command` and Enter.
    func command(_ line: String) throws {
        try type(":")
        try type(line)
        try press("Enter")
    }

    /// Pastes as a terminal does when the program asked for bracketed paste.
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "test", text])
        try tmux(["paste-buffer", "-p", "-b", "test", "-t", "studio"])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "studio", "-x", String(width), "-y", String(height)])
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "studio"])
    }

    /// The screen with its colours and attributes, as SGR escape sequences.
    func styledScreen() throws -> String {
        try tmux(["capture-pane", "-p", "-e", "-t", "studio"])
    }

    /// Waits until the screen satisfies `condition`; returns the screen. Fails (never hangs)
    /// after `timeout` seconds, quoting the screen and the program's error output.
    @discardableResult
    func waitUntil(_ what: String, timeout: Double = 30, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            usleep(50_000)
        }
        let stderr = (try? String(contentsOf: home.path("stderr.txt"), encoding: .utf8)) ?? ""
        throw Failure(description: "timed out after \(Int(timeout)) s waiting for \(what); screen:\n\(last)\nstderr:\n\(stderr)")
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 30) throws -> String {
        try waitUntil("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until every one of `texts` is on screen at once. Checking a screen read after one
    /// marker appeared could catch a frame half drawn; waiting for all of them cannot.
    @discardableResult
    func waitForAll(_ texts: [String], timeout: Double = 30) throws -> String {
        try waitUntil(texts.map { "\"\($0)\"" }.joined(separator: ", "), timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    @discardableResult
    func waitForGone(_ text: String, timeout: Double = 30) throws -> String {
        try waitUntil("\"\(text)\" to go", timeout: timeout) { !$0.contains(text) }
    }

    /// Quits with `q` and waits for the program's exit line.
    func quit() throws {
        try press("q")
        try waitFor("[exit 0]")
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tmux)
        process.arguments = ["-L", socket] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 || arguments.first == "kill-server" else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Model folders for the end-to-end tests.
enum TestModels {
    static let installed = SottoPaths().modelsDirectory()
    static let qwen3Fixtures = repositoryRoot.appendingPathComponent("Tests/Qwen3TTSTests/Fixtures/qwen3")
    static let tokenizer = installed.appendingPathComponent("qwen3-tokenizer")

    /// Whether the tiny Qwen3-TTS checkpoint can be assembled (it needs the vocabulary that
    /// Scripts/setup fetches).
    static var hasTinyQwen3: Bool {
        FileManager.default.fileExists(atPath: tokenizer.appendingPathComponent("vocab.json").path)
            && FileManager.default.fileExists(atPath: qwen3Fixtures.appendingPathComponent("talker-1b7/model.safetensors").path)
    }

    /// A models folder with a tiny (random-weight) Qwen3-TTS CustomVoice 1.7B model: real
    /// engine, real streaming synthesis, noise for audio, a few seconds per take.
    static func tinyQwen3(in folder: ScratchFolder, name: String = "qwen3-tiny-customvoice") throws -> URL {
        let models = folder.path("models")
        let model = models.appendingPathComponent(name)
        let fm = FileManager.default
        try fm.createDirectory(at: model, withIntermediateDirectories: true)
        let talker = qwen3Fixtures.appendingPathComponent("talker-1b7")
        for file in ["model.safetensors", "generation_config.json", "config.json"] {
            try fm.createSymbolicLink(at: model.appendingPathComponent(file), withDestinationURL: talker.appendingPathComponent(file))
        }
        try fm.createSymbolicLink(at: model.appendingPathComponent("speech_tokenizer"),
                                  withDestinationURL: qwen3Fixtures.appendingPathComponent("speech_tokenizer"))
        for file in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: model.appendingPathComponent(file), withDestinationURL: tokenizer.appendingPathComponent(file))
        }
        return models
    }

    /// Links the files of an installed model folder into a folder of the same name in `models`
    /// (the catalog does not descend into linked folders).
    static func link(_ name: String, into models: URL) throws {
        let fm = FileManager.default
        let source = installed.appendingPathComponent(name)
        let target = models.appendingPathComponent(name)
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        for file in try fm.contentsOfDirectory(atPath: source.path) {
            try fm.createSymbolicLink(at: target.appendingPathComponent(file), withDestinationURL: source.appendingPathComponent(file))
        }
    }

    /// Whether Scripts/setup installed `model` (tests that speak through it are skipped, and say
    /// so, where it is absent; where it is present a broken engine fails them).
    static func isInstalled(_ model: String) -> Bool {
        FileManager.default.fileExists(atPath: installed.appendingPathComponent(model).path)
    }
}
