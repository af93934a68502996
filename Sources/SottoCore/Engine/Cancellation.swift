import Synchronization

/// Set from any thread to ask a running synthesis to stop; engines check it between chunks
/// and inside long loops and then throw `SynthesisCancelled`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Throws `SynthesisCancelled` if cancellation was requested.
    public func check() throws {
        if isCancelled { throw SynthesisCancelled() }
    }
}

public struct SynthesisCancelled: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "synthesis cancelled" }
}
