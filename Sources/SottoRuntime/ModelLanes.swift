import SottoCore
import Synchronization

/// The lanes of a front end's models, one per model, made on first use. The studio has them
/// share one thread (one model computes at a time); a server gives each its own.
public final class ModelLanes: Sendable {
    public let families: ModelFamilies
    public let loadOptions: LoadOptions
    public let queueLimit: Int
    private let sharedWorker: WorkerThread?
    private let onLoad: @Sendable (String, Result<LoadedModel, SottoError>) -> Void
    private let lanes = Mutex<[String: ModelLane]>([:])

    public init(families: ModelFamilies, loadOptions: LoadOptions = LoadOptions(), queueLimit: Int = 8,
                oneThreadForAll: Bool = false,
                onLoad: @escaping @Sendable (String, Result<LoadedModel, SottoError>) -> Void = { _, _ in }) {
        self.families = families
        self.loadOptions = loadOptions
        self.queueLimit = queueLimit
        self.sharedWorker = oneThreadForAll ? WorkerThread(name: "sotto-engine") : nil
        self.onLoad = onLoad
    }

    /// The lane of `model`, made now if it has none.
    public func lane(for model: ModelDescriptor) -> ModelLane {
        lanes.withLock { lanes in
            if let lane = lanes[model.id] { return lane }
            let lane = ModelLane(model: model, families: families, loadOptions: loadOptions, queueLimit: queueLimit,
                                 worker: sharedWorker, onLoad: onLoad)
            lanes[model.id] = lane
            return lane
        }
    }

    public func existingLane(_ modelID: String) -> ModelLane? {
        lanes.withLock { $0[modelID] }
    }

    private var all: [ModelLane] { lanes.withLock { Array($0.values) } }

    /// The models whose engines are loaded, by model id.
    public var loaded: [String: LoadedModel] {
        var result: [String: LoadedModel] = [:]
        for lane in all { if let info = lane.loaded { result[lane.model.id] = info } }
        return result
    }

    /// What some lane is doing (loading before synthesizing), or idle.
    public var activity: LaneActivity {
        let activities = all.map(\.activity)
        return activities.first { if case .loading = $0 { true } else { false } }
            ?? activities.first { $0 != .idle } ?? .idle
    }

    /// Blocks until every lane has done what was asked of it so far.
    public func settle(timeout: Double = 60) {
        if let sharedWorker { sharedWorker.drain(timeout: timeout) }
        for lane in all where sharedWorker == nil { lane.settle(timeout: timeout) }
    }

    public func shutdown(timeout: Double = 5) {
        if let sharedWorker { sharedWorker.shutdown(timeout: timeout) }
        for lane in all where sharedWorker == nil { lane.shutdown(timeout: timeout) }
    }
}
