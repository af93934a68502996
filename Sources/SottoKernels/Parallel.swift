import CKernels
import COpenBLAS
import Dispatch
import Glibc
import Synchronization

/// The one place that decides how many threads the kernels use: OpenBLAS's pool and the library's
/// own elementwise/per-channel loops follow the same number.
public enum KernelThreads {
    private static let current = Atomic<Int>(KernelThreads.processorCount)

    /// Online processors (the default thread count).
    public static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Threads the kernels use now.
    public static var count: Int { current.load(ordering: .relaxed) }

    /// Sets the thread count for OpenBLAS and for ``parallelFor(_:minimumPerThread:_:)``.
    /// Call it between forward passes, not during one. Under an address-space limit OpenBLAS
    /// gets no more threads than the limit leaves room for (``BLASBuffers/threadsThatFit(_:)``).
    public static func set(_ threads: Int) {
        let n = max(1, threads)
        current.store(n, ordering: .relaxed)
        openblas_set_num_threads(Int32(BLASBuffers.threadsThatFit(n)))
        sotto_pool_reserve(n - 1)
    }
}

/// Sends the kernel pool's spinning workers to sleep before a product large enough for OpenBLAS
/// to run on its own threads (about a million multiply-adds; smaller ones run on the caller's).
@usableFromInline
func yieldCoresToBLAS(multiplyAdds: Int) {
    if multiplyAdds >= 1 << 20 { sotto_pool_park() }
}

/// Wraps a value that is only touched in ways the caller has proven race-free (disjoint ranges).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// How many parts ``parallelFor(_:minimumPerThread:_:)`` splits `count` items into, so that callers
/// can take one scratch slot per part before fanning out.
public func parallelPartCount(_ count: Int, minimumPerThread: Int = 1) -> Int {
    guard count > 0 else { return 0 }
    return min(KernelThreads.count, max(1, count / max(1, minimumPerThread)))
}

/// Splits `0..<count` into at most ``KernelThreads/count`` contiguous ranges and runs `body` on
/// each, on separate threads when there is enough work. Returns when all ranges are done.
/// `body` must only write memory that belongs to its range.
public func parallelFor(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelParts(count, minimumPerThread: minimumPerThread) { _, range in body(range) }
}

/// Like ``parallelFor(_:minimumPerThread:_:)``, also passing the part index
/// (`0..<parallelPartCount(count, minimumPerThread:)`) for per-thread scratch.
public func parallelParts(_ count: Int, minimumPerThread: Int = 1, _ body: (Int, Range<Int>) -> Void) {
    let parts = parallelPartCount(count, minimumPerThread: minimumPerThread)
    if parts == 0 { return }
    if parts == 1 {
        body(0, 0..<count)
        return
    }
    withoutActuallyEscaping(body) { escaping in
        var job = PoolJob(count: count, parts: parts, body: escaping)
        let ran = withUnsafeMutablePointer(to: &job) { pointer in
            sotto_pool_run(parts, { context, part in
                let job = context!.assumingMemoryBound(to: PoolJob.self).pointee
                job.run(Int(part))
            }, pointer)
        }
        if ran == 0 {
            // The pool is busy (a nested loop, or another thread's): Dispatch's threads instead.
            let shared = UncheckedSendable(value: job)
            DispatchQueue.concurrentPerform(iterations: parts) { shared.value.run($0) }
        }
    }
}

/// One ``parallelParts(_:minimumPerThread:_:)`` call as the pool's workers see it.
private struct PoolJob {
    let count: Int
    let parts: Int
    let body: (Int, Range<Int>) -> Void

    func run(_ part: Int) {
        let lower = count * part / parts
        let upper = count * (part + 1) / parts
        if lower < upper { body(part, lower..<upper) }
    }
}
