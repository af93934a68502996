import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT), `kill` (SIGTERM) and a closed terminal (SIGHUP) into a clean stop —
/// cancel synthesis, stop playback, keep what was made — instead of killing the process
/// mid-write; a second signal exits at once (the audio file written so far stays valid: see
/// `AudioFileWriter`).
final class InterruptHandler: @unchecked Sendable {
    private let signals: [Int32]
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var interrupted = false

    init(_ onInterrupt: @escaping @Sendable () -> Void) {
        var sources: [DispatchSourceSignal] = []
        var signals: [Int32] = []
        for number in [SIGINT, SIGTERM, SIGHUP] {
            // A signal already ignored (`nohup` ignores SIGHUP) stays ignored.
            if let previous = signal(number, SIG_IGN), unsafeBitCast(previous, to: Int.self) == 1 { continue }
            signals.append(number)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        self.signals = signals
        for (source, number) in zip(sources, signals) {
            source.setEventHandler { [unowned self] in
                if self.firstSignal() { onInterrupt() } else { exit(128 + number) }
            }
            source.resume()
        }
    }

    private func firstSignal() -> Bool {
        lock.withLock {
            defer { interrupted = true }
            return !interrupted
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
