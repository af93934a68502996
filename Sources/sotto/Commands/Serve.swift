import ArgumentParser
import Foundation
import SottoCore
import SottoServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve OpenAI's speech API (POST /v1/audio/speech) so that other programs speak through Sotto.",
        discussion: """
        Listens on 127.0.0.1 unless told otherwise; any other address needs an API key, which \
        clients send as "Authorization: Bearer KEY". Models are named as `sotto say -m` names them. \
        A model that is not loaded answers 503 with Retry-After (load it with --preload, \
        POST /v1/models/NAME/load, or --autoload). GET /health, /ready and /metrics serve probes \
        and monitoring.
        """)

    @OptionGroup var location: ModelDirectoryOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8000

    @Option(help: ArgumentHelp("Load and warm this model before /ready says yes (repeatable).", valueName: "model"))
    var preload: [String] = []

    @Flag(help: "Load a model on its first request (that request waits) instead of answering 503.")
    var autoload = false

    @Option(name: .customLong("api-key"), help: "Require this key (default: $SOTTO_API_KEY).")
    var apiKey: String?

    @Option(name: .customLong("max-queue"), help: "Requests that may wait per model; more get 503.")
    var maxQueue = 8

    @Option(name: .customLong("max-input"), help: "Longest input in characters.")
    var maxInput = 4096

    @Option(help: "Weight precision for models that offer it: fp32, bf16, int8, int4.")
    var precision: WeightPrecision?

    @Option(parsing: .unconditional, help: "Threads for inference per model (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
        if maxQueue < 0 { throw ValidationError("--max-queue must be 0 or more") }
        if maxInput < 1 { throw ValidationError("--max-input must be at least 1") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        try runReportingErrors {
            var configuration = ServerConfiguration(modelsDirectory: location.directory)
            configuration.host = host
            configuration.port = port
            configuration.preload = preload
            configuration.autoload = autoload
            configuration.apiKey = apiKey ?? ProcessInfo.processInfo.environment["SOTTO_API_KEY"]
            configuration.maxQueue = maxQueue
            configuration.maxInputCharacters = maxInput
            configuration.loadOptions = LoadOptions(threads: threads, precision: precision)
            if let problem = configuration.problem { throw SottoError(problem) }
            if let problem = ModelCatalog.problem(with: location.directory) { throw problem }
            let server = SpeechServer(configuration: configuration, families: modelFamilies)
            try server.startPreloading()
            try ServerRunner.run(server)
        }
    }
}

/// Runs the async server from the synchronous command, reporting where it listens.
enum ServerRunner {
    static func run(_ server: SpeechServer) throws {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task.detached {
            do {
                try await server.run { host, port in
                    StandardStreams.error("sotto: listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
                }
            } catch {
                failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure { throw SottoError("the server stopped: \(SottoError.describe(failure))") }
    }
}
