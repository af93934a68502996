/// A bump allocator for activations and temporaries, so that a model's steady-state forward pass
/// allocates no memory.
///
/// Ownership rules:
/// - A model (or one synthesis call) owns one `Workspace`; it is not thread-safe and must not be
///   shared between concurrent forward passes. Kernels that fan out over threads take their
///   scratch before they fan out.
/// - Tensors from ``tensor(_:)`` stay valid until the next ``reset()``. Holding one across a
///   reset is memory-safe (the old block stays alive while referenced) but its contents will be
///   overwritten by later allocations: copy anything that must outlive the call (weights, caches,
///   returned audio) into its own ``Tensor``.
/// - ``withScratch(_:_:)`` hands out a temporary that is released when the closure returns; the
///   closure must not return tensors it allocated from the same workspace.
/// - The first pass of a new input size may grow the arena. ``reset()`` then merges the blocks it
///   used into one of the peak size, so the next pass of the same (or smaller) size allocates
///   nothing: ``allocationCount`` stays put.
/// - Blocks are pages of their own (``TensorStorage/init(pagesFor:)``): a block counts in memory
///   only as far as it has been written, and a merged block only once it is used again.
public final class Workspace {
    /// Position in the arena: which block, and how many floats of it are in use.
    public struct Mark {
        fileprivate let block: Int
        fileprivate let used: Int
    }

    private static let granule = TensorStorage.alignment / MemoryLayout<Float>.stride

    /// Floats of the arena an allocation of `count` floats takes (allocations are aligned).
    public static func footprint(_ count: Int) -> Int {
        (count + granule - 1) / granule * granule
    }

    private var blocks: [TensorStorage] = []
    private var block = 0
    private var used = 0
    /// Floats in use in all blocks before `block`, counted at their full capacity.
    private var usedBefore = 0
    private var peak = 0
    /// The most floats a ``reserve(_:)`` asked to have in one block, counted from the start of
    /// the arena; ``reset()`` merges into a block that holds it, so that the next pass's
    /// reservation is already met.
    private var reservedPeak = 0

    /// Blocks this workspace has allocated over its life.
    public private(set) var allocationCount = 0

    /// Starts with one block of `initialCapacity` floats (none when 0).
    public init(initialCapacity: Int = 0) {
        if initialCapacity > 0 { appendBlock(capacity: initialCapacity) }
    }

    /// Floats held in all blocks.
    public var capacity: Int { blocks.reduce(0) { $0 + $1.capacity } }
    /// Most floats in use at once since the workspace was created.
    public var peakUsage: Int { peak }

    /// A dense tensor from the arena. Its contents are whatever the arena held before.
    public func tensor(_ shape: Shape) -> Tensor {
        let (storage, offset) = allocate(shape.elementCount)
        return Tensor(storage: storage, shape: shape, offset: offset)
    }

    /// A dense zero-filled tensor from the arena.
    public func zeros(_ shape: Shape) -> Tensor {
        let t = tensor(shape)
        t.pointer.update(repeating: 0, count: shape.elementCount)
        return t
    }

    /// Runs `body` with `count` floats of scratch (uninitialised) that are released afterwards.
    public func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let m = mark()
        defer { release(to: m) }
        let (storage, offset) = allocate(count)
        return try withExtendedLifetime(storage) { try body(storage.baseAddress + offset) }
    }

    /// Makes the next `count` floats of allocations need no new memory: when the current block
    /// lacks the room, the next one is made at least that large. A pass whose needs grow step by
    /// step (a decoder's windows, each longer than the one before) then allocates, and touches,
    /// its memory once instead of a bigger block at every step.
    public func reserve(_ count: Int) {
        precondition(count >= 0, "negative reservation")
        let rounded = Self.footprint(count)
        reservedPeak = max(reservedPeak, usedBefore + used + rounded)
        if block < blocks.count, used + rounded <= blocks[block].capacity { return }
        let next = blocks.isEmpty ? 0 : block + 1
        if next < blocks.count {
            if blocks[next].capacity < rounded { blocks[next] = makeBlock(capacity: rounded) }
        } else {
            appendBlock(capacity: rounded)
        }
    }

    /// Current position, to release everything allocated after it with ``release(to:)``.
    public func mark() -> Mark { Mark(block: block, used: used) }

    /// Frees everything allocated since `mark` (tensors from then on must no longer be used).
    public func release(to mark: Mark) {
        precondition(mark.block < block || (mark.block == block && mark.used <= used), "mark is ahead of the arena")
        while block > mark.block {
            block -= 1
            usedBefore -= blocks[block].capacity
        }
        used = mark.used
    }

    /// Frees every allocation; merges the blocks into one when the last pass needed several.
    public func reset() {
        block = 0
        used = 0
        usedBefore = 0
        if blocks.count > 1 {
            blocks.removeAll()
            appendBlock(capacity: max(peak, reservedPeak))
        }
    }

    private func allocate(_ count: Int) -> (TensorStorage, Int) {
        precondition(count >= 0, "negative allocation")
        let rounded = (count + Self.granule - 1) / Self.granule * Self.granule
        if block < blocks.count, used + rounded <= blocks[block].capacity {
            return take(rounded)
        }
        // Move on to the next block, growing the arena when no later block is big enough.
        if !blocks.isEmpty {
            usedBefore += blocks[block].capacity
            block += 1
        }
        if block >= blocks.count || blocks[block].capacity < rounded {
            let grow = max(rounded, capacity / 2, 1 << 16)
            if block < blocks.count {
                blocks[block] = makeBlock(capacity: grow)
            } else {
                appendBlock(capacity: grow)
            }
        }
        used = 0
        return take(rounded)
    }

    private func take(_ rounded: Int) -> (TensorStorage, Int) {
        let at = used
        used += rounded
        peak = max(peak, usedBefore + used)
        return (blocks[block], at)
    }

    private func appendBlock(capacity: Int) {
        blocks.append(makeBlock(capacity: capacity))
    }

    private func makeBlock(capacity: Int) -> TensorStorage {
        allocationCount += 1
        let rounded = (capacity + Self.granule - 1) / Self.granule * Self.granule
        return TensorStorage(pagesFor: rounded)
    }
}
