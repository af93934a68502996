/// Float weights recovered from a model, laid out as PyTorch holds the parameter (row-major,
/// `shape` as in the state dict), ready for an engine's kernels.
public struct WeightTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// The value at a multi-dimensional index, for tests and diagnostics (not hot loops).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (axis, position) in index.enumerated() {
            precondition(position >= 0 && position < shape[axis], "index \(index) is outside shape \(shape)")
            flat = flat * shape[axis] + position
        }
        return values[flat]
    }
}
