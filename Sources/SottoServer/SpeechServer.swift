import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SottoCore
import SottoKernels
import SottoMetrics
import SottoRuntime

/// `sotto serve`: OpenAI's speech API (`POST /v1/audio/speech`) and the routes an operator needs
/// (models, voices, load and unload, health, readiness, metrics) over one lane per model. The
/// server keeps no state between requests beyond which models are loaded, so replicas behind a
/// load balancer need nothing shared.
public final class SpeechServer: Sendable {
    public let configuration: ServerConfiguration
    let models: ServedModels
    let metrics = ServerMetrics()

    public init(configuration: ServerConfiguration, families: ModelFamilies) {
        self.configuration = configuration
        models = ServedModels(directory: configuration.modelsDirectory, families: families,
                              loadOptions: configuration.loadOptions, queueLimit: configuration.maxQueue,
                              autoload: configuration.autoload)
    }

    /// Resolves every `--preload` model (an unknown one stops the server before it listens) and
    /// starts loading and warming them; `/ready` says yes when all are warm.
    public func startPreloading() throws {
        let resolved = try configuration.preload.map { name throws -> ModelDescriptor in
            do { return try models.resolve(name) } catch let error as APIError { throw SottoError("--preload \(name): \(error.message)") }
        }
        for model in resolved { models.preload(model) }
    }

    /// Serves until SIGINT or SIGTERM. `onListening` hears the address actually bound (the port
    /// chosen when 0 was asked for).
    public func run(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        var logger = Logger(label: "sotto-serve")
        logger.logLevel = .warning
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sotto",
                                 availableConnectionsDelegate: MaximumAvailableConnections(512)),
            onServerRunning: { channel in
                onListening(channel.localAddress?.ipAddress ?? "?", channel.localAddress?.port ?? 0)
            },
            logger: logger)
        try await app.runService()
        models.shutdown()
    }

    func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: Gatekeeper(apiKey: configuration.apiKey, metrics: metrics))
        router.get("health") { _, _ in Self.json(["status": "ok"]) }
        router.get("ready") { [self] _, _ in readiness() }
        router.get("metrics") { [self] _, _ in metricsText() }
        router.get("v1/models") { [self] _, _ in modelList() }
        router.get("v1/audio/voices") { [self] request, _ in voiceList(request) }
        router.post("v1/models/:id/load") { [self] _, context in await load(context) }
        router.post("v1/models/:id/unload") { [self] _, context in await unload(context) }
        router.post("v1/audio/speech") { [self] request, context in await speech(request, context: context) }
        return router
    }

    // MARK: Speech

    func speech(_ request: Request, context: ServerRequestContext) async -> Response {
        let received = MonotonicClock.now()
        do {
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: context.maxUploadSize)
            } catch {
                throw APIError(.contentTooLarge, "the request body is over \(context.maxUploadSize) bytes", code: "body_too_large")
            }
            let order = try SpeechBody.decode(Array(buffer: body))
                .validated(models: models, maxInput: configuration.maxInputCharacters)
            let lane = try models.lane(for: order.model)
            let laneRequest = LaneRequest(text: order.text, options: order.options)
            let events: AsyncThrowingStream<SynthesisEvent, any Error>
            do {
                events = try stream(laneRequest, on: lane)
            } catch let full as LaneQueueFull {
                throw APIError.unavailable("\(order.model.id) is busy: \(full.limit) requests are already waiting",
                                           retryAfter: 2, code: "queue_full")
            }
            let cancellation = laneRequest.cancellation
            context.channel.closeFuture.whenComplete { _ in cancellation.cancel() }
            let response = SpeechResponse(order: order, events: events, cancellation: cancellation, metrics: metrics,
                                          received: received)
            try await response.awaitFirstAudio()
            return Response(status: .ok, headers: response.headers, body: ResponseBody { writer in
                try await response.write(to: &writer)
            })
        } catch let error as APIError {
            return error.response
        } catch {
            return APIError(.internalServerError, SottoError.describe(error), type: "server_error").response
        }
    }

    /// The lane's events for `request` as a stream that cancels the request when its reader
    /// goes away, counting how each synthesis ended even when nobody reads the end.
    private func stream(_ request: LaneRequest, on lane: ModelLane) throws -> AsyncThrowingStream<SynthesisEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<SynthesisEvent, any Error>.makeStream()
        let cancellation = request.cancellation
        continuation.onTermination = { termination in
            if case .cancelled = termination { cancellation.cancel() }
        }
        let metrics = metrics, model = lane.model.id
        try lane.submit(request) { event in
            continuation.yield(event)
            guard case .finished(let end) = event else { return }
            metrics.synthesisEnded(model: model, outcome: end.outcome)
            if case .failed(let message) = end.outcome {
                continuation.finish(throwing: SottoError(message))
            } else {
                continuation.finish()
            }
        }
        return stream
    }

    // MARK: Models and voices

    func modelList() -> Response {
        let catalog = models.catalog
        let entries: [[String: Any]] = catalog.models.filter { $0.isComplete && models.families.supports($0.kind) }.map { model in
            let status = models.status(of: model.id)
            var entry: [String: Any] = [
                "id": model.id, "object": "model", "created": 0, "owned_by": "sotto",
                "kind": model.kind.rawValue, "status": status.name,
                "capabilities": model.capabilities.names,
                "concurrency": lanesBatch(model.id) ? "batch" : "queue",
            ]
            if let variant = model.variant { entry["variant"] = variant }
            if case .failed(let message) = status { entry["error"] = message }
            return entry
        }
        return Self.json(["object": "list", "data": entries])
    }

    func voiceList(_ request: Request) -> Response {
        guard let name = request.uri.queryParameters["model"].map(String.init), !name.isEmpty else {
            return APIError.invalid("give the model: /v1/audio/voices?model=NAME", param: "model",
                                    code: "missing_required_parameter").response
        }
        do {
            let model = try models.resolve(name)
            let voices = models.status(of: model.id).loaded?.voices ?? model.voices
            let list: [[String: Any]] = voices.map { voice in
                var entry: [String: Any] = ["id": voice.id, "name": voice.id]
                if let language = voice.language { entry["language"] = language }
                if let gender = voice.gender { entry["gender"] = gender }
                if let detail = voice.detail { entry["detail"] = detail }
                return entry
            }
            var body: [String: Any] = ["model": model.id, "voices": list]
            if model.capabilities.contains(.voiceDesign) {
                body["note"] = "this model designs its voice from a description sent as 'instructions'"
            }
            if model.capabilities.contains(.voiceBlend) {
                body["blend"] = "mix voices by weight, e.g. \"\(voices.first?.id ?? "a"):0.7,\(voices.dropFirst().first?.id ?? "b"):0.3\""
            }
            return Self.json(body)
        } catch {
            return error.response
        }
    }

    func load(_ context: ServerRequestContext) async -> Response {
        do {
            let model = try models.resolve(Self.modelParameter(context))
            models.startLoading(model, warm: true)
            // Wait for it (a client that asked to load wants to know how it went).
            while case .loading = models.status(of: model.id) {
                try? await Task.sleep(for: .milliseconds(50))
            }
            switch models.status(of: model.id) {
            case .ready(let info):
                return Self.json(["id": model.id, "status": "ready", "load_seconds": info.loadSeconds,
                                  "sample_rate": info.sampleRate, "resident_bytes": info.residentBytes])
            case .failed(let message):
                return APIError(.internalServerError, "\(model.id) could not be loaded: \(message)", type: "server_error",
                                code: "model_load_failed").response
            default:
                return Self.json(["id": model.id, "status": models.status(of: model.id).name])
            }
        } catch {
            return error.response
        }
    }

    func unload(_ context: ServerRequestContext) async -> Response {
        do {
            let model = try models.resolve(Self.modelParameter(context))
            let had = await models.unload(model)
            return Self.json(["id": model.id, "status": "unloaded", "was_loaded": had])
        } catch {
            return error.response
        }
    }

    private static func modelParameter(_ context: ServerRequestContext) -> String {
        let raw = context.parameters.get("id") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    private func lanesBatch(_ modelID: String) -> Bool {
        models.lanes.existingLane(modelID)?.batches ?? false
    }

    // MARK: Probes

    func readiness() -> Response {
        let ready = models.isReady
        let waiting = models.preloadedIDs.sorted().map { ["id": $0, "status": models.status(of: $0).name] }
        let body: [String: Any] = ["ready": ready, "models": waiting]
        var response = Self.json(body)
        if !ready { response.status = .serviceUnavailable }
        return response
    }

    func metricsText() -> Response {
        let lanes = models.catalog.models.compactMap { model -> (model: String, waiting: Int, busy: Bool, batching: Bool, loaded: Bool)? in
            guard let lane = models.lanes.existingLane(model.id) else { return nil }
            let loaded = models.status(of: model.id).loaded != nil
            return (model.id, lane.waitingCount, lane.activity != .idle, lane.batches, loaded)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(lanes: lanes))))
    }

    static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
    }
}
