import Foundation
import SottoCore

/// Runs the built `sotto` binary, as a user would, and captures what it prints.
struct SottoProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `sotto` executable built alongside the test bundle.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may be inside an .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("sotto").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("sotto")
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    timeout: TimeInterval = 300, executable: URL? = nil, directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? Self.executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        // Read both pipes while the process runs so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw SottoError("sotto \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `script` in `/bin/sh` inside `directory`, with `$0` the `sotto` executable: for
    /// redirections and limits (`ulimit -v`) that `Process` cannot express.
    static func shell(_ script: String, in directory: String) throws -> Result {
        try run(["-c", script, Self.executable.path], executable: URL(fileURLWithPath: "/bin/sh"), directory: directory)
    }
}

/// A private models folder for one test, built from links to the installed model files so that
/// tests can damage it freely.
struct ScratchModels {
    let url: URL

    init(linking names: [String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-cli-\(UUID().uuidString)")
        let installed = SottoPaths().modelsDirectory()
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for name in names {
            let target = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: target, withDestinationURL: installed.appendingPathComponent(name))
        }
    }

    func remove(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(name)) }

    /// Replaces a linked file by a copy of its first `bytes` bytes, like an interrupted download.
    func truncate(_ name: String, to bytes: Int) throws {
        let target = url.appendingPathComponent(name)
        let head = try FileHandle(forReadingFrom: target).read(upToCount: bytes) ?? Data()
        try FileManager.default.removeItem(at: target)
        try head.write(to: target)
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
