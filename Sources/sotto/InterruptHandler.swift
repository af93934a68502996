import Dispatch
import Foundation

/// Turns Ctrl-C into a clean stop (cancel synthesis, stop playback) instead of killing the
/// process mid-write; a second Ctrl-C exits at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private var interrupted = false

    init(_ onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            if self.interrupted { exit(130) }
            self.interrupted = true
            onInterrupt()
        }
        source.resume()
    }

    func restore() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
