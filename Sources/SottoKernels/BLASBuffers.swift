import Synchronization

/// Keeps OpenBLAS from hanging under an address-space limit (`ulimit -v`).
///
/// Each concurrent OpenBLAS call takes a 128 MiB work buffer from a pool, mapping a new one when
/// every buffer is busy; when that mapping fails OpenBLAS retries forever (`blas_memory_alloc`).
/// Buffers are never given back, so a new one can only be needed when more calls than ever
/// before run at once. Under a limit, such a call first checks that the limit leaves room for a
/// buffer and otherwise reports the shortage (``MemoryShortage``) instead of entering OpenBLAS.
/// Without a limit this is one predictable branch per call.
public enum BLASBuffers {
    /// OpenBLAS's BUFFER_SIZE on x86-64 and arm64 builds (32 << 22 bytes), plus its guard page.
    public static let bufferBytes = (32 << 22) + 4096

    @usableFromInline static let isLimited = MemoryShortage.addressSpaceLimit != nil
    @usableFromInline static let inFlight = Atomic<Int>(0)
    @usableFromInline static let mostSeen = Atomic<Int>(0)

    /// Called before an OpenBLAS call; pair with ``leave()``.
    @inlinable public static func enter() {
        guard isLimited else { return }
        let running = inFlight.add(1, ordering: .relaxed).newValue
        if running > mostSeen.load(ordering: .relaxed) { checkRoom(running: running) }
    }

    @inlinable public static func leave() {
        guard isLimited else { return }
        inFlight.subtract(1, ordering: .relaxed)
    }

    @usableFromInline static func checkRoom(running: Int) {
        if let limit = MemoryShortage.addressSpaceLimit, let mapped = MemoryShortage.mappedBytes(),
           limit - mapped < bufferBytes {
            MemoryShortage.fail("run OpenBLAS: the address-space limit (ulimit -v) of "
                + "\(MemoryShortage.describe(bytes: limit)) leaves \(MemoryShortage.describe(bytes: max(0, limit - mapped))), "
                + "and OpenBLAS maps \(MemoryShortage.describe(bytes: bufferBytes)) for a work buffer")
        }
        var seen = mostSeen.load(ordering: .relaxed)
        while running > seen {
            let (exchanged, original) = mostSeen.compareExchange(expected: seen, desired: running, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }
}
