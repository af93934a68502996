/// A strided view of float32 data. Copying a `Tensor` copies the view, never the numbers: every
/// copy, reshape, transpose and slice reads and writes the same ``TensorStorage``. Element `i`
/// (one index per axis) lives at `offset + Σ index[a]·strides[a]` in the storage.
///
/// Layout conventions are listed once, in the SottoKernels documentation catalog
/// (`SottoKernels.docc`): row-major, `[channels, time]` for sequence convolutions,
/// `[time, features]` for transformers.
public struct Tensor: Sendable {
    public let storage: TensorStorage
    public private(set) var shape: Shape
    public private(set) var strides: Shape
    public private(set) var offset: Int

    /// A view onto existing storage. The view must stay inside the storage.
    public init(storage: TensorStorage, shape: Shape, strides: Shape? = nil, offset: Int = 0) {
        let strides = strides ?? shape.rowMajorStrides
        precondition(strides.rank == shape.rank, "shape \(shape) and strides \(strides) differ in rank")
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in \(shape)")
        if shape.elementCount > 0 {
            var lowest = offset
            var highest = offset
            for a in 0..<shape.rank {
                let reach = (shape[a] - 1) * strides[a]
                if reach < 0 { lowest += reach } else { highest += reach }
            }
            precondition(lowest >= 0 && highest < storage.capacity,
                         "view \(shape) strides \(strides) offset \(offset) exceeds storage of \(storage.capacity)")
        }
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A new zero-filled tensor with its own storage.
    public init(zeros shape: Shape) {
        self.init(storage: TensorStorage(capacity: shape.elementCount), shape: shape)
    }

    /// A new tensor holding `values` in row-major order.
    public init(shape: Shape, values: [Float]) {
        precondition(values.count == shape.elementCount,
                     "\(values.count) values for shape \(shape) of \(shape.elementCount) elements")
        self.init(zeros: shape)
        let p = storage.baseAddress
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p.update(from: base, count: values.count) }
        }
    }

    /// A new tensor of `shape` with every element `value`.
    public init(repeating value: Float, shape: Shape) {
        self.init(zeros: shape)
        if value != 0 { storage.baseAddress.update(repeating: value, count: shape.elementCount) }
    }

    public var rank: Int { shape.rank }
    /// Number of elements in the view.
    public var count: Int { shape.elementCount }

    /// True when the view covers one dense row-major block (sizes-1 axes may have any stride).
    public var isContiguous: Bool {
        var expected = 1
        for a in stride(from: rank - 1, through: 0, by: -1) where shape[a] != 1 {
            if strides[a] != expected { return false }
            expected *= shape[a]
        }
        return true
    }

    /// Pointer to element `[0, 0, …]`. Only valid while `storage` is alive: keep the tensor (or
    /// use ``withUnsafeMutablePointer(_:)``) for as long as the pointer is used.
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress + offset }

    /// Runs `body` with the pointer to element `[0, 0, …]`, keeping the storage alive meanwhile.
    public func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.baseAddress + offset) }
    }

    // MARK: Element access (for tests and small glue; kernels use pointers)

    private func linearIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "\(index.count) indices for rank \(rank)")
        var at = offset
        for a in 0..<rank {
            precondition(index[a] >= 0 && index[a] < shape[a], "index \(index) out of bounds for \(shape)")
            at += index[a] * strides[a]
        }
        return at
    }

    public subscript(index: Int...) -> Float {
        get { storage.baseAddress[linearIndex(index)] }
        nonmutating set { storage.baseAddress[linearIndex(index)] = newValue }
    }

    /// The elements in row-major order of the view.
    public func toArray() -> [Float] {
        if isContiguous {
            return Array(UnsafeBufferPointer(start: pointer, count: count))
        }
        var out = [Float]()
        out.reserveCapacity(count)
        forEachOffset { out.append(storage.baseAddress[$0]) }
        return out
    }

    /// Calls `body` with the storage offset of every element, in row-major order of the view.
    func forEachOffset(_ body: (Int) -> Void) {
        guard count > 0 else { return }
        var index = Shape(repeating: 0, rank: rank)
        var at = offset
        while true {
            body(at)
            var a = rank - 1
            while a >= 0 {
                index[a] += 1
                at += strides[a]
                if index[a] < shape[a] { break }
                at -= strides[a] * shape[a]
                index[a] = 0
                a -= 1
            }
            if a < 0 { return }
        }
    }

    // MARK: Views

    /// The same elements with another shape; one size may be -1 to be inferred. The view must be
    /// contiguous (call ``contiguous()`` first otherwise).
    public func reshaped(_ newShape: Shape) -> Tensor {
        var target = newShape
        if let inferred = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot infer a size reshaping \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(target.elementCount == count, "cannot reshape \(shape) to \(newShape)")
        precondition(isContiguous, "reshape needs a contiguous view; call contiguous() first")
        return Tensor(storage: storage, shape: target, strides: target.rowMajorStrides, offset: offset)
    }

    /// Swaps two axes (a view; for a 2-D tensor `transposed()` swaps rows and columns).
    public func transposed(_ a: Int = 0, _ b: Int = 1) -> Tensor {
        var v = self
        v.shape.swapAt(a, b)
        v.strides.swapAt(a, b)
        return v
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of this view.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "bad permutation \(order) for rank \(rank)")
        var v = self
        for (i, from) in order.enumerated() {
            v.shape[i] = shape[from]
            v.strides[i] = strides[from]
        }
        return v
    }

    /// Elements `range` along `axis`; other axes unchanged.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) out of bounds for axis \(axis) of \(shape)")
        var v = self
        v.offset += range.lowerBound * strides[axis]
        v.shape[axis] = range.count
        return v
    }

    /// Element `index` along `axis`, with that axis removed.
    public func selecting(axis: Int, _ index: Int) -> Tensor {
        precondition(index >= 0 && index < shape[axis], "index \(index) out of bounds for axis \(axis) of \(shape)")
        return Tensor(storage: storage, shape: shape.removing(axis: axis), strides: strides.removing(axis: axis),
                      offset: offset + index * strides[axis])
    }

    /// A new axis of size 1 before `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        Tensor(storage: storage, shape: shape.inserting(1, at: axis), strides: strides.inserting(0, at: axis),
               offset: offset)
    }

    // MARK: Copies

    /// This view if it is already contiguous, else a dense copy in new storage.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(zeros: shape)
        out.copy(from: self)
        return out
    }

    /// This view if it is already contiguous, else a dense copy drawn from `workspace`.
    public func contiguous(in workspace: Workspace) -> Tensor {
        if isContiguous { return self }
        let out = workspace.tensor(shape)
        out.copy(from: self)
        return out
    }

    /// A dense copy in new storage, even when this view is contiguous.
    public func copied() -> Tensor {
        let out = Tensor(zeros: shape)
        out.copy(from: self)
        return out
    }

    /// Writes the elements of `source` (same shape, any strides) into this view.
    public func copy(from source: Tensor) {
        precondition(source.shape == shape, "copying \(source.shape) into \(shape)")
        if isContiguous && source.isContiguous {
            pointer.update(from: source.pointer, count: count)
            return
        }
        if rank >= 1, strides[rank - 1] == 1, source.strides[rank - 1] == 1 {
            let n = shape[rank - 1]
            let dst = dropLastAxisOffsets()
            let src = source.dropLastAxisOffsets()
            for (d, s) in zip(dst, src) {
                (storage.baseAddress + d).update(from: source.storage.baseAddress + s, count: n)
            }
            return
        }
        var sources = [Int]()
        sources.reserveCapacity(count)
        source.forEachOffset { sources.append($0) }
        var i = 0
        let dst = storage.baseAddress
        let src = source.storage.baseAddress
        forEachOffset { at in
            dst[at] = src[sources[i]]
            i += 1
        }
    }

    private func dropLastAxisOffsets() -> [Int] {
        var outer = self
        outer.shape[rank - 1] = 1
        var offsets = [Int]()
        offsets.reserveCapacity(count / max(shape[rank - 1], 1))
        outer.forEachOffset { offsets.append($0) }
        return offsets
    }

    /// Sets every element of the view to `value`.
    public func fill(_ value: Float) {
        if isContiguous {
            pointer.update(repeating: value, count: count)
        } else {
            let p = storage.baseAddress
            forEachOffset { p[$0] = value }
        }
    }
}

// MARK: Matrix views

extension Tensor {
    /// For a 2-D view whose last axis is dense: the distance between rows. Kernels that accept
    /// strided rows (sgemm's leading dimension) read it here.
    public var rowStride: Int {
        precondition(rank == 2, "rowStride needs a 2-D tensor, got \(shape)")
        precondition(strides[1] == 1 || shape[1] <= 1, "rows of \(shape) strides \(strides) are not dense")
        return shape[0] <= 1 ? max(strides[0], shape[1]) : strides[0]
    }

    /// True for a 2-D view whose rows are dense (any row stride ≥ row length).
    public var hasDenseRows: Bool {
        rank == 2 && (strides[1] == 1 || shape[1] <= 1) && (shape[0] <= 1 || strides[0] >= shape[1])
    }

    /// This 2-D view if its rows are dense, else a dense copy from `workspace`.
    func denseRows(in workspace: Workspace) -> Tensor {
        precondition(rank == 2, "expected a 2-D tensor, got \(shape)")
        return hasDenseRows ? self : contiguous(in: workspace)
    }
}
