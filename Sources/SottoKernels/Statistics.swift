import Synchronization

/// Process-wide count of float buffers allocated, so tests and the bench can verify that a
/// steady-state synthesis allocates nothing (see ``Workspace``).
public enum StorageStatistics {
    private static let allocations = Atomic<Int>(0)
    private static let floats = Atomic<Int>(0)

    /// Number of ``TensorStorage`` buffers created since the process started.
    public static var allocationCount: Int { allocations.load(ordering: .relaxed) }
    /// Total floats in those buffers.
    public static var allocatedFloats: Int { floats.load(ordering: .relaxed) }

    static func recordAllocation(floats count: Int) {
        allocations.add(1, ordering: .relaxed)
        floats.add(count, ordering: .relaxed)
    }
}
