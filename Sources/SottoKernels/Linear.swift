/// A fully connected layer with PyTorch's weight layout `[out, in]` and optional bias `[out]`.
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor? = nil) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias.map { $0.count == weight.shape[0] } ?? true, "bias length must equal out features")
        self.weight = weight.contiguous()
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
    }

    /// `x` `[T, in]` → `[T, out]`, or `x` `[in]` → `[out]`, in a tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.rank == 1 ? [outFeatures] : [x.shape[0], outFeatures])
        apply(x, into: y)
        return y
    }

    /// Writes `x·Wᵀ + b` into `y`. `x` is `[T, in]` (rows may be strided) or `[in]`; `y` matches.
    public func apply(_ x: Tensor, into y: Tensor) {
        if x.rank == 1 {
            precondition(x.shape[0] == inFeatures && y.rank == 1 && y.shape[0] == outFeatures,
                         "Linear \(inFeatures)→\(outFeatures) cannot map \(x.shape) into \(y.shape)")
            if let bias { y.copy(from: bias) }
            BLAS.matvec(weight, x, into: y, beta: bias == nil ? 0 : 1)
            return
        }
        precondition(x.rank == 2 && x.shape[1] == inFeatures, "Linear expects [T, \(inFeatures)], got \(x.shape)")
        precondition(y.rank == 2 && y.shape[0] == x.shape[0] && y.shape[1] == outFeatures,
                     "Linear output should be [\(x.shape[0]), \(outFeatures)], got \(y.shape)")
        if x.shape[0] == 1 {
            apply(x.selecting(axis: 0, 0), into: y.selecting(axis: 0, 0))
            return
        }
        if let bias {
            withExtendedLifetime((bias, y)) {
                for r in 0..<y.shape[0] { (y.pointer + r * y.rowStride).update(from: bias.pointer, count: outFeatures) }
            }
        }
        BLAS.matmul(x, weight.transposed(), into: y, beta: bias == nil ? 0 : 1)
    }
}
