import COpenBLAS
import Synchronization

/// Keeps OpenBLAS from hanging or exiting under an address-space limit (`ulimit -v`).
///
/// Each concurrent OpenBLAS call takes a 128 MiB work buffer from a pool, mapping a new one when
/// every buffer is busy; when that mapping fails OpenBLAS retries forever (`blas_memory_alloc`).
/// Buffers are never given back, so a new one can only be needed when more calls than ever
/// before run at once. Under a limit, such a call first checks that the limit leaves room for a
/// buffer and otherwise reports the shortage (``MemoryShortage``) instead of entering OpenBLAS.
///
/// A product OpenBLAS splits over its threads also mallocs a table of per-thread jobs on every
/// call (`gemm_driver`), and when that fails it prints its own line and exits the process. Under
/// a limit, every product large enough to be split first checks that the limit leaves room for
/// that table, so the shortage is reported in Sotto's words and a half-written file is removed.
/// Without a limit this is one predictable branch per call.
public enum BLASBuffers {
    /// OpenBLAS's BUFFER_SIZE on x86-64 and arm64 builds (32 << 22 bytes), plus its guard page.
    public static let bufferBytes = (32 << 22) + 4096

    @usableFromInline static let isLimited = MemoryShortage.addressSpaceLimit != nil
    @usableFromInline static let inFlight = Atomic<Int>(0)
    @usableFromInline static let mostSeen = Atomic<Int>(0)

    /// Multiply-adds above which OpenBLAS 0.3 splits a product over its threads
    /// (SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD in its gemm interface).
    public static let threadedProductThreshold = 65_536 * 4

    /// Bytes of OpenBLAS's job table for a threaded product: MAX_THREADS jobs of
    /// MAX_THREADS × 16 eight-byte words each (512 KB for Debian's MAX_THREADS=64).
    public static let jobTableBytes: Int = {
        let config = OpenBLASCore.config
        let threads = config.split(separator: " ").first { $0.hasPrefix("MAX_THREADS=") }
            .flatMap { Int($0.dropFirst("MAX_THREADS=".count)) } ?? 256
        return threads * threads * 16 * 8
    }()

    /// Room kept besides the job table: the allocator may grow its heap by more than it is asked,
    /// and other threads may allocate between the check and OpenBLAS's malloc.
    static let jobTableSlack = 1 << 20

    /// OpenBLAS threads, at most `wanted`, whose work buffers and stacks the address-space limit
    /// leaves room for. Each new worker maps its buffer as it starts (and retries forever when
    /// that fails), after the caller has moved on, so its room is set aside here; so is the room
    /// to start (``MemoryShortage/roomToStart``) and the caller's own first buffer with its job
    /// table: a worker that took those would leave a process that fails where one thread would
    /// have spoken. `wanted` when unlimited.
    public static func threadsThatFit(_ wanted: Int) -> Int {
        let running = OpenBLASCore.threads
        guard isLimited, wanted > running, let limit = MemoryShortage.addressSpaceLimit,
              let mapped = MemoryShortage.mappedBytes() else { return wanted }
        let room = limit - mapped - MemoryShortage.roomToStart - firstBufferRoom
        return running + max(0, min(wanted - running, room / (bufferBytes + workerStackBytes)))
    }

    /// Room for the caller's first work buffer: it is taken by a product split over the threads,
    /// which also mallocs its job table, and the product's own two matrices (0.5 MB).
    static var firstBufferRoom: Int { bufferBytes + jobTableBytes + (2 << 20) }

    /// A thread's stack as glibc maps it by default (8 MB, the usual `ulimit -s`).
    static let workerStackBytes = 8 << 20

    /// Called before an OpenBLAS call of `multiplyAdds`; pair with ``leave()``.
    @inlinable public static func enter(multiplyAdds: Int = 0) {
        guard isLimited else { return }
        let running = inFlight.add(1, ordering: .relaxed).newValue
        if running > mostSeen.load(ordering: .relaxed) { checkRoom(running: running) }
        if multiplyAdds > threadedProductThreshold { checkRoomForJobs() }
    }

    @usableFromInline static func checkRoomForJobs() {
        guard OpenBLASCore.threads > 1, let limit = MemoryShortage.addressSpaceLimit,
              let mapped = MemoryShortage.mappedBytes(), limit - mapped < jobTableBytes + jobTableSlack else { return }
        MemoryShortage.fail("run OpenBLAS: the address-space limit (ulimit -v) of "
            + "\(MemoryShortage.describe(bytes: limit)) leaves \(MemoryShortage.describe(bytes: max(0, limit - mapped))), "
            + "and OpenBLAS allocates \(MemoryShortage.describe(bytes: jobTableBytes)) for each product it splits over its threads")
    }

    /// The first call may not take a buffer (OpenBLAS computes small products and vectors on
    /// its stack), and a later, larger one would then map the first buffer with no check before
    /// it. So once the room for it is confirmed, a product that needs a buffer takes it now; later
    /// calls that run one at a time reuse it.
    static func takeFirstBuffer() {
        let side = 256
        let a = [Float](repeating: 0, count: side * side)
        var c = [Float](repeating: 0, count: side * side)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(side), blasint(side), blasint(side), 1,
                            a.baseAddress, blasint(side), a.baseAddress, blasint(side), 0, c.baseAddress, blasint(side))
            }
        }
    }

    @inlinable public static func leave() {
        guard isLimited else { return }
        inFlight.subtract(1, ordering: .relaxed)
    }

    @usableFromInline static func checkRoom(running: Int) {
        if let limit = MemoryShortage.addressSpaceLimit, let mapped = MemoryShortage.mappedBytes(),
           limit - mapped < firstBufferRoom {
            MemoryShortage.fail("run OpenBLAS: the address-space limit (ulimit -v) of "
                + "\(MemoryShortage.describe(bytes: limit)) leaves \(MemoryShortage.describe(bytes: max(0, limit - mapped))), "
                + "and OpenBLAS maps \(MemoryShortage.describe(bytes: bufferBytes)) for a work buffer")
        }
        if running == 1 { takeFirstBuffer() }
        var seen = mostSeen.load(ordering: .relaxed)
        while running > seen {
            let (exchanged, original) = mostSeen.compareExchange(expected: seen, desired: running, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }
}
