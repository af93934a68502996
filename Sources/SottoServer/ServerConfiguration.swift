import Foundation
import SottoCore

/// How `sotto serve` runs.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed when the server is up).
    public var port = 8000
    /// Models loaded and warmed before `/ready` says yes.
    public var preload: [String] = []
    /// Load a model on its first request instead of answering 503.
    public var autoload = false
    /// Required as `Authorization: Bearer KEY` on every `/v1` route when set.
    public var apiKey: String?
    /// Requests that may wait per model behind the one running.
    public var maxQueue = 8
    /// Longest `input`, in characters (OpenAI's limit).
    public var maxInputCharacters = 4096
    public var modelsDirectory: URL
    public var loadOptions = LoadOptions()

    public init(modelsDirectory: URL) {
        self.modelsDirectory = modelsDirectory
    }

    /// Why this configuration must not start, or nil: a server reachable from other machines
    /// without a key would let anyone use the machine's CPU.
    public var problem: String? {
        if !Self.isLoopback(host) && (apiKey ?? "").isEmpty {
            return "refusing to listen on \(host) without an API key: pass --api-key KEY (or set SOTTO_API_KEY), or listen on 127.0.0.1"
        }
        if !(0...65535).contains(port) { return "--port must be between 0 and 65535" }
        if maxQueue < 0 { return "--max-queue must be 0 or more" }
        if maxInputCharacters < 1 { return "--max-input must be at least 1" }
        return nil
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }
}
