import Foundation
import Synchronization

/// Wall-clock time spent in one named stage of a synthesis (e.g. "phonemes", "decoder").
public struct StageTiming: Codable, Sendable, Equatable {
    public var name: String
    public var seconds: Double
    public init(name: String, seconds: Double) {
        self.name = name
        self.seconds = seconds
    }
}

/// Accumulates stage timings; a stage timed twice (once per chunk, say) adds up.
/// Order of first appearance is kept so reports read like the pipeline.
public final class StageRecorder: Sendable {
    private let stages = Mutex<[StageTiming]>([])

    public init() {}

    public func add(_ name: String, seconds: Double) {
        stages.withLock { list in
            if let i = list.firstIndex(where: { $0.name == name }) {
                list[i].seconds += seconds
            } else {
                list.append(StageTiming(name: name, seconds: seconds))
            }
        }
    }

    /// Runs `body`, charging its wall-clock time to `name`, even when it throws.
    @discardableResult
    public func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let watch = Stopwatch()
        defer { add(name, seconds: watch.elapsed) }
        return try body()
    }

    public var timings: [StageTiming] { stages.withLock { $0 } }
}
