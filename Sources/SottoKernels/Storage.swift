import Glibc

/// Owning float buffer, 64-byte aligned so every row that starts at a multiple of 16 floats is
/// cache-line aligned and AVX-512 loads never split a line.
///
/// Storage is shared by every ``Tensor`` view onto it; it is freed when the last view goes.
/// It is `@unchecked Sendable` because kernels write disjoint ranges from several threads; the
/// library never writes one element from two threads at once, and callers must not either.
public final class TensorStorage: @unchecked Sendable {
    public static let alignment = 64

    /// Number of floats the buffer holds.
    public let capacity: Int
    /// First float of the buffer; valid while this object is alive.
    public let baseAddress: UnsafeMutablePointer<Float>

    /// Allocates `capacity` floats, zero-filled (fresh buffers are zeroed so that a model that
    /// forgets to write a region reads silence rather than garbage).
    public init(capacity: Int) {
        precondition(capacity >= 0, "negative capacity")
        var raw: UnsafeMutableRawPointer?
        let bytes = max(capacity, 1) * MemoryLayout<Float>.stride
        let rounded = (bytes + Self.alignment - 1) / Self.alignment * Self.alignment
        guard posix_memalign(&raw, Self.alignment, rounded) == 0, let raw else {
            MemoryShortage.fail("allocate \(MemoryShortage.describe(bytes: rounded)) for a tensor of \(capacity) floats")
        }
        memset(raw, 0, rounded)
        self.capacity = capacity
        self.baseAddress = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
        StorageStatistics.recordAllocation(floats: capacity)
    }

    deinit {
        free(baseAddress)
    }
}
