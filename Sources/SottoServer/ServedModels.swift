import Foundation
import SottoCore
import SottoMetrics
import SottoRuntime
import Synchronization

/// The models a server offers, their lanes (one serialised worker each, with its own thread and
/// bounded queue) and where each stands. Requests name models as `sotto say -m` does, never by
/// path: a client must not make the server open files of its choosing.
public final class ServedModels: Sendable {
    public let directory: URL
    public let families: ModelFamilies
    let lanes: ModelLanes
    let autoload: Bool
    private let statuses = Mutex<[String: ModelStatus]>([:])
    private let preloaded = Mutex<Set<String>>([])
    private let catalogCache: Mutex<ModelCatalog>

    init(directory: URL, families: ModelFamilies, loadOptions: LoadOptions, queueLimit: Int, autoload: Bool) {
        self.directory = directory
        self.families = families
        self.autoload = autoload
        lanes = ModelLanes(families: families, loadOptions: loadOptions, queueLimit: queueLimit)
        catalogCache = Mutex(ModelCatalog(directory: directory, families: families))
    }

    /// The models on disk, read again (a model copied in while the server runs is found).
    var catalog: ModelCatalog {
        let fresh = ModelCatalog(directory: directory, families: families)
        catalogCache.withLock { $0 = fresh }
        return fresh
    }

    func status(of modelID: String) -> ModelStatus {
        statuses.withLock { $0[modelID] ?? .unloaded }
    }

    /// Whether every model asked for with `--preload` is loaded and warm.
    var isReady: Bool {
        let wanted = preloaded.withLock { $0 }
        return wanted.allSatisfy { if case .ready = status(of: $0) { true } else { false } }
    }

    var preloadedIDs: Set<String> { preloaded.withLock { $0 } }

    /// The model a client named.
    func resolve(_ name: String) throws(APIError) -> ModelDescriptor {
        guard !name.contains("/"), !name.hasPrefix(".") else {
            throw APIError(.badRequest, "models are named as GET /v1/models lists them, not by path", param: "model",
                           code: "model_not_found")
        }
        let catalog = catalogCache.withLock { $0 }
        let model: ModelDescriptor
        do {
            model = try catalog.resolve(name)
        } catch {
            let fresh = self.catalog
            guard let found = try? fresh.resolve(name) else {
                throw APIError(.notFound, "\(SottoError.describe(error))", param: "model", code: "model_not_found")
            }
            model = found
        }
        guard model.isComplete else {
            throw APIError(.badRequest, "\(model.id) cannot be used: \(model.problems.joined(separator: "; "))",
                           param: "model", code: "model_incomplete")
        }
        guard families.supports(model.kind) else {
            throw APIError(.badRequest, "this build cannot run \(model.id)", param: "model", code: "model_unsupported")
        }
        return model
    }

    /// Refuses a voice the model does not have (each part of a Kokoro blend `a:0.7,b:0.3`).
    func checkVoice(_ voice: String, of model: ModelDescriptor, param: String) throws(APIError) {
        let known = (status(of: model.id).loaded?.voices ?? model.voices).map(\.id)
        guard !known.isEmpty else { return }
        let lowered = Set(known.map { $0.lowercased() })
        let parts = model.capabilities.contains(.voiceBlend) ? voice.split(separator: ",").map(String.init) : [voice]
        for part in parts {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = pieces.first ?? ""
            if !lowered.contains(name.lowercased()) {
                let list = known.prefix(60).joined(separator: ", ")
                throw APIError(.badRequest, "\(model.id) has no voice '\(name)'; voices: \(list)\(known.count > 60 ? ", …" : "")",
                               param: param, code: "voice_not_found")
            }
            if pieces.count == 2, (Double(pieces[1]).map { !$0.isFinite || $0 < 0 } ?? true) {
                throw APIError(.badRequest, "the weight of '\(name)' in the blend must be a number ≥ 0", param: param,
                               code: "invalid_value")
            }
        }
    }

    /// The lane a request for `model` goes to, once the model can take requests: loaded, or
    /// loading on request with `--autoload`. Otherwise 503 with when to come back.
    func lane(for model: ModelDescriptor) throws(APIError) -> ModelLane {
        switch status(of: model.id) {
        case .ready:
            return lanes.lane(for: model)
        case .loading(let since):
            // With --autoload the request waits in the lane behind the load it asked for.
            if autoload { return lanes.lane(for: model) }
            let waited = MonotonicClock.now() - since
            throw .unavailable("\(model.id) is loading (for \(Int(waited)) s so far); try again shortly",
                               retryAfter: 2, code: "model_loading")
        case .unloaded, .failed:
            if autoload {
                startLoading(model, warm: false)
                return lanes.lane(for: model)
            }
            throw .unavailable("\(model.id) is not loaded: POST /v1/models/\(model.id)/load, or start the server with --preload \(model.id) (or --autoload)",
                               retryAfter: 10, code: "model_not_loaded")
        }
    }

    /// Marks `model` as one `/ready` waits for, and loads and warms it.
    func preload(_ model: ModelDescriptor) {
        preloaded.withLock { _ = $0.insert(model.id) }
        startLoading(model, warm: true)
    }

    /// Starts loading (and warming, with one short synthesis) unless it is loaded or loading.
    @discardableResult
    func startLoading(_ model: ModelDescriptor, warm: Bool) -> Bool {
        let started = statuses.withLock { statuses -> Bool in
            switch statuses[model.id] ?? .unloaded {
            case .loading, .ready: return false
            case .unloaded, .failed:
                statuses[model.id] = .loading(since: MonotonicClock.now())
                return true
            }
        }
        guard started else { return false }
        let lane = lanes.lane(for: model)
        lane.load { [self] result in
            switch result {
            case .failure(let error):
                statuses.withLock { $0[model.id] = .failed(error.description) }
            case .success(let info):
                guard warm else {
                    statuses.withLock { $0[model.id] = .ready(info) }
                    return
                }
                do {
                    try lane.submit(Self.warmUp(for: model, loaded: info)) { [self] event in
                        guard case .finished = event else { return }
                        statuses.withLock { $0[model.id] = .ready(info) }
                    }
                } catch {
                    statuses.withLock { $0[model.id] = .ready(info) }
                }
            }
        }
        return true
    }

    /// Lets the engine go. False when it was not loaded.
    func unload(_ model: ModelDescriptor) async -> Bool {
        guard let lane = lanes.existingLane(model.id) else { return false }
        let had = await withCheckedContinuation { continuation in
            lane.unload { continuation.resume(returning: $0) }
        }
        statuses.withLock { $0[model.id] = .unloaded }
        return had
    }

    /// One short synthesis, so the first real request does not pay for first-touch page faults,
    /// lazily built tables and the math library's thread start.
    static func warmUp(for model: ModelDescriptor, loaded: LoadedModel) -> LaneRequest {
        var options = SynthesisOptions()
        if loaded.capabilities.contains(.voiceDesign) { options.voiceDescription = "A calm, clear voice." }
        options.sampling.maxFrames = 8
        options.seed = 1
        return LaneRequest(text: "Hello there.", options: options, fitsOptionsToModel: true)
    }

    func shutdown() { lanes.shutdown() }
}

extension ModelStatus {
    var loaded: LoadedModel? {
        if case .ready(let info) = self { return info }
        return nil
    }
}
