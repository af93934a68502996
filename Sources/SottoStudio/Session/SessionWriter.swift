import Foundation
import SottoCore
import SottoRuntime
import Synchronization

/// Saves the manifest off the screen's thread. Saves asked for while one is being written
/// collapse into one write of the newest state; `flush` waits for it (on quit).
public final class SessionWriter: Sendable {
    private struct Pending {
        var manifest: SessionManifest?
        var handle: SessionHandle?
        var failures: [String] = []
    }

    private let pending = Mutex(Pending())
    private let worker = WorkerThread(name: "sotto-session")

    public init() {}

    public func save(_ manifest: SessionManifest, to handle: SessionHandle) {
        let schedule = pending.withLock { state -> Bool in
            let wasIdle = state.manifest == nil
            state.manifest = manifest
            state.handle = handle
            return wasIdle
        }
        guard schedule else { return }
        worker.submit { [self] in write() }
    }

    /// Errors from saves since the last call.
    public func takeFailures() -> [String] {
        pending.withLock { state in
            defer { state.failures.removeAll() }
            return state.failures
        }
    }

    /// Blocks until every save asked for so far is on disk.
    public func flush(timeout: Double = 10) {
        worker.drain(timeout: timeout)
    }

    /// Writes what is pending and ends the writer's thread.
    public func shutdown() {
        worker.shutdown(timeout: 10)
    }

    private func write() {
        let (manifest, handle) = pending.withLock { state -> (SessionManifest?, SessionHandle?) in
            defer {
                state.manifest = nil
                state.handle = nil
            }
            return (state.manifest, state.handle)
        }
        guard let manifest, let handle else { return }
        do {
            try handle.writeManifest(manifest)
        } catch {
            let message = "session not saved: \(SottoError.describe(error))"
            pending.withLock { $0.failures.append(message) }
        }
    }
}
