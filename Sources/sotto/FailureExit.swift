import ArgumentParser
import Foundation
import Glibc
import SottoKernels
import Synchronization

/// How the process ends when it cannot go on: one line on standard error, a non-zero status,
/// and no half-written output left behind.
enum FailureExit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cleanups: [Int: @Sendable () -> Void] = [:]
    nonisolated(unsafe) private static var nextKey = 0
    private static let exiting = Atomic<Bool>(false)

    /// Memory that runs out inside the engine ends the process here instead of trapping.
    static func install() {
        MemoryShortage.setHandler { what in
            var line = "sotto: not enough memory to \(what)"
            if let limit = MemoryShortage.addressSpaceLimit, !what.contains("ulimit") {
                line += " (address space limited to \(MemoryShortage.describe(bytes: limit)) by ulimit -v)"
            }
            FailureExit.exit(line)
        }
    }

    /// Runs `cleanup` if the process has to exit before `body` returns.
    static func whileRunning<T>(cleanup: @escaping @Sendable () -> Void, _ body: () throws -> T) rethrows -> T {
        let key = lock.withLock {
            nextKey += 1
            cleanups[nextKey] = cleanup
            return nextKey
        }
        defer { _ = lock.withLock { cleanups.removeValue(forKey: key) } }
        return try body()
    }

    /// Prints `line`, runs the registered clean-ups and exits with status 1. Safe from any thread.
    ///
    /// Only the first thread to fail reports: weights load on several threads at once, and under
    /// a memory limit more than one of them can run short together. The others wait for the end.
    static func exit(_ line: String) -> Never {
        guard exiting.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            while true { pause() }
        }
        StandardStreams.error(line)
        // Another thread may hold the lock while failing too: take what is there without waiting.
        var pending: [@Sendable () -> Void] = []
        if lock.try() {
            pending = Array(cleanups.values)
            lock.unlock()
        }
        for cleanup in pending { cleanup() }
        _exit(EXIT_FAILURE)
    }
}

extension Sotto {
    /// `main()`, except that argument errors are one line on standard error ("sotto: --speed must
    /// be between 0.25 and 4") like every other error, not a message followed by the usage.
    static func runReportingArgumentErrors() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(EXIT_SUCCESS)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            let message = Self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            if !message.isEmpty {
                StandardStreams.error("sotto: " + (message.split(separator: "\n").first.map(String.init) ?? message))
            }
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }
}
