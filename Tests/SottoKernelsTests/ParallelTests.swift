import CKernels
import Dispatch
import Glibc
import SottoKernels
import Synchronization
import Testing

/// The kernels' thread pool: every index exactly once, whatever the nesting or the callers.
@Suite(.serialized) struct ParallelTests {
    /// Counts visits per index from any thread.
    final class Visits: Sendable {
        let counts: Mutex<[Int]>
        init(_ n: Int) { counts = Mutex([Int](repeating: 0, count: n)) }
        func visit(_ range: Range<Int>) { counts.withLock { for i in range { $0[i] += 1 } } }
        var all: [Int] { counts.withLock { $0 } }
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func everyIndexRunsOnceForEveryThreadCount(count: Int) {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        for threads in [1, 2, 3, 8] {
            KernelThreads.set(threads)
            for _ in 0..<50 {
                let visits = Visits(count)
                parallelFor(count) { visits.visit($0) }
                #expect(visits.all == [Int](repeating: 1, count: count), "\(threads) threads, \(count) items")
            }
        }
    }

    @Test func partsAreContiguousAndIndexed() {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        KernelThreads.set(4)
        let parts = parallelPartCount(103)
        let seen = Mutex<[Int: Range<Int>]>([:])
        parallelParts(103) { part, range in seen.withLock { $0[part] = range } }
        let ranges = seen.withLock { $0 }
        #expect(ranges.count == parts)
        #expect((0..<parts).compactMap { ranges[$0] }.map(\.lowerBound) == (0..<parts).map { 103 * $0 / parts })
        #expect(ranges[parts - 1]?.upperBound == 103)
    }

    /// A loop inside a loop's body cannot use the busy pool; it must still run every index.
    @Test func nestedLoopsRunEveryIndex() {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        KernelThreads.set(2)
        let outer = 6, inner = 50
        let visits = Visits(outer * inner)
        parallelFor(outer) { rows in
            for r in rows { parallelFor(inner) { visits.visit($0.lowerBound + r * inner ..< $0.upperBound + r * inner) } }
        }
        #expect(visits.all == [Int](repeating: 1, count: outer * inner))
    }

    /// Two threads fanning out at once: one gets the pool, the other runs its parts another way.
    @Test func concurrentCallersBothFinish() {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        KernelThreads.set(2)
        let visits = [Visits(5000), Visits(5000)]
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            for _ in 0..<200 {
                parallelFor(25) { range in visits[caller].visit(range.lowerBound * 200 ..< range.upperBound * 200) }
            }
        }
        for v in visits { #expect(v.all == [Int](repeating: 200, count: 5000)) }
    }

    /// True when a pool worker (not the calling thread) ran a part of a two-part loop whose
    /// parts each take 10 ms. Retried for up to 30 s because other suites' loops, running in
    /// parallel, may hold the pool for long stretches (a Qwen3-TTS batch generation does), and
    /// then the parts run on Dispatch instead; a worker that never woke fails every try.
    static func aWorkerTookAPart() -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + 30_000_000_000
        repeat {
            let before = sotto_pool_worker_parts()
            parallelFor(2) { _ in usleep(10_000) }
            if sotto_pool_worker_parts() > before { return true }
        } while DispatchTime.now().uptimeNanoseconds < deadline
        return false
    }

    /// Right after a job (workers spinning) and after they have gone to sleep on the futex
    /// (longer than their spin), a worker takes its part.
    @Test func workersTakePartsAwakeOrAfterSleeping() async throws {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        KernelThreads.set(2)
        #expect(Self.aWorkerTookAPart(), "spinning worker")
        for _ in 0..<3 {
            try await Task.sleep(nanoseconds: 5_000_000)
            #expect(Self.aWorkerTookAPart(), "sleeping worker")
        }
    }

    /// A large BLAS product sends spinning workers to sleep; the next loop still wakes them.
    @Test func loopsAfterALargeBLASProductRunEveryIndex() {
        let saved = KernelThreads.count
        defer { KernelThreads.set(saved) }
        KernelThreads.set(2)
        let a = Tensor(repeating: 1, shape: [128, 128]), c = Tensor(zeros: [128, 128])
        for _ in 0..<5 {
            let visits = Visits(64)
            parallelFor(64) { visits.visit($0) }
            BLAS.matmul(a, a, into: c)
            parallelFor(64) { visits.visit($0) }
            #expect(visits.all == [Int](repeating: 2, count: 64))
            #expect(c[3, 5] == 128)
            BLAS.matmul(a, a, into: c)
            #expect(Self.aWorkerTookAPart(), "a parked worker wakes for the next loop")
        }
    }
}
