import Foundation

/// A thread of its own that runs submitted work one item at a time, in order. Engine calls and
/// device opening block for long stretches, so they get real threads rather than tasks on the
/// cooperative pool, and never run on a thread that owns a screen or serves requests.
public final class WorkerThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var stopping = false
    private var finished = false
    private let name: String

    public init(name: String) {
        self.name = name
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Drops work not yet started; what is running finishes.
    public func discardPending() {
        condition.lock()
        queue.removeAll()
        condition.unlock()
    }

    /// Runs what is queued, then ends the thread; waits up to `timeout` seconds for that.
    public func shutdown(timeout: Double) {
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !finished, condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// Blocks until everything submitted so far has run.
    public func drain(timeout: Double) {
        let done = NSCondition()
        nonisolated(unsafe) var ran = false
        submit {
            done.lock()
            ran = true
            done.signal()
            done.unlock()
        }
        done.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while !ran, done.wait(until: deadline) {}
        done.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let work = queue.removeFirst()
            condition.unlock()
            work()
        }
    }
}
