import Glibc

/// A value guarded by a mutex, with a condition variable so threads can sleep until it changes.
/// `Synchronization.Mutex` has no condition variable, and the playback thread must be able to wait
/// for the producer (or a caller for the playback thread) without spinning.
final class Monitor<State: Sendable>: @unchecked Sendable {
    // Both live on the heap: pthread objects must not move once initialised.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    init(_ initial: State) {
        state = initial
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Deadlines are measured on the monotonic clock so a wall-clock change cannot stretch a wait.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Reads or changes the state under the lock; waiting threads are woken afterwards.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Sleeps until `isReady` holds or `timeout` passes (nil waits indefinitely), then runs `body`
    /// under the same lock, so nothing can change between the check and the use.
    func wait<Result>(
        timeout: Duration?, until isReady: (State) -> Bool, then body: (inout State) -> Result
    ) -> Result {
        let deadline = timeout.map(monotonicDeadline(after:))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !isReady(state) {
            if var deadline {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        return body(&state)
    }
}

/// The CLOCK_MONOTONIC time `duration` from now, as `pthread_cond_timedwait` wants it.
func monotonicDeadline(after duration: Duration) -> timespec {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let (seconds, attoseconds) = duration.components
    let nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
    return timespec(
        tv_sec: now.tv_sec + Int(seconds) + nanoseconds / 1_000_000_000,
        tv_nsec: nanoseconds % 1_000_000_000)
}

/// Seconds on the monotonic clock, for measuring how long something has been stuck.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
