import SottoRuntime

/// Where one model stands on a server.
enum ModelStatus: Sendable, Equatable {
    case unloaded
    /// Loading or warming; requests get 503 with a retry time until it is ready.
    case loading(since: Double)
    case ready(LoadedModel)
    case failed(String)

    var name: String {
        switch self {
        case .unloaded: "unloaded"
        case .loading: "loading"
        case .ready: "ready"
        case .failed: "failed"
        }
    }
}
