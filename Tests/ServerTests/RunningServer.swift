import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SottoCore

/// A `sotto serve` process on a free loopback port, for one test; stopped with SIGTERM.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    private(set) var base = ""
    private let errors = Pipe()
    private var log = Data()
    private let lock = NSLock()

    /// Starts the built binary with `arguments` after `serve --port 0` and waits until it says
    /// where it listens.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = SottoBinary.url
        process.arguments = ["serve", "--port", "0"] + arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let listening = NSCondition()
        nonisolated(unsafe) var address: String?
        nonisolated(unsafe) var ended = false
        // A thread of its own reads the server's stderr with blocking reads until it closes
        // (FileHandle's readability handlers have crashed test processes when their pipe closed).
        let reader = Thread { [self] in
            let handle = errors.fileHandleForReading
            while true {
                let data = handle.availableData
                lock.lock()
                log.append(data)
                let text = String(decoding: log, as: UTF8.self)
                lock.unlock()
                listening.lock()
                if address == nil, let range = text.range(of: "listening on "), text[range.upperBound...].contains("\n") {
                    address = String(text[range.upperBound...].prefix { !$0.isNewline })
                }
                if data.isEmpty { ended = true }
                listening.signal()
                listening.unlock()
                if data.isEmpty { return }
            }
        }
        reader.start()
        listening.lock()
        let deadline = Date().addingTimeInterval(120)
        while address == nil && !ended && listening.wait(until: deadline) {}
        listening.unlock()
        guard let address else {
            process.terminate()
            throw SottoError("sotto serve did not start: \(stderr)")
        }
        base = address
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: log, as: UTF8.self)
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One plain HTTP request (probes, metrics, load and unload).
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        request.timeoutInterval = 300
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Reply, any Error> = .failure(SottoError("no reply"))
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { result = .failure(error) } else if let http = response as? HTTPURLResponse {
                var fields: [String: String] = [:]
                for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
                result = .success(Reply(status: http.statusCode, headers: fields, body: data ?? Data()))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }

    /// Waits (up to `timeout` s; a bound on a hang, not a speed requirement) for `condition`.
    func wait(timeout: Double = 120, until condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func waitUntilReady() throws {
        let ready = try wait { try request("GET", "/ready").status == 200 }
        if !ready { throw SottoError("the server never became ready: \(stderr)") }
    }

    /// The value of one Prometheus sample, e.g. `sotto_lane_busy{model="piper:en_US-joe-medium"}`.
    func metric(_ sample: String) throws -> Double? {
        let text = try request("GET", "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }
}

/// The built `sotto` executable.
enum SottoBinary {
    static var url: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("sotto").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("sotto")
    }
}

/// The official openai Python package, run through Tests/ServerTests/openai_client.py in the
/// venv Scripts/test makes.
enum OpenAIClient {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("openai_client.py")

    static var python: String? { ProcessInfo.processInfo.environment["SOTTO_TEST_PYTHON"] }

    static func run(_ server: RunningServer, _ arguments: [String]) throws -> [String: Any] {
        guard let python else {
            throw SottoError("SOTTO_TEST_PYTHON is not set: run the tests with Scripts/test, which installs the openai client")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, server.base] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: outData) as? [String: Any] else {
            throw SottoError("openai client \(arguments.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self).suffix(2000))\nserver: \(server.stderr.suffix(2000))")
        }
        return object
    }
}
