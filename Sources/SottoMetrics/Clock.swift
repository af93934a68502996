import Foundation

/// Monotonic time in seconds, unaffected by wall-clock changes.
public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Seconds elapsed since it was started.
public struct Stopwatch: Sendable {
    public let start: Double
    public init() { start = MonotonicClock.now() }
    public var elapsed: Double { MonotonicClock.now() - start }
}
