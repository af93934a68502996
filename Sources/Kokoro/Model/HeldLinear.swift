import SottoKernels

/// A Linear layer that holds an int8 export's weights as they are stored (int8, one scale per
/// output) and widens them to float32 for the duration of each call: the same products as on
/// fully dequantised weights, a quarter of the memory held between calls. Float exports keep a
/// plain ``Linear``.
struct HeldLinear: Sendable {
    enum Storage: Sendable {
        case float(Linear)
        /// `[out, in]` row-major values; w = value·scales[out].
        case int8(values: [Int8], scales: [Float], bias: Tensor?)
    }
    let storage: Storage
    let inFeatures: Int
    let outFeatures: Int

    init(_ linear: Linear) {
        storage = .float(linear)
        inFeatures = linear.inFeatures
        outFeatures = linear.outFeatures
    }

    init(values: [Int8], scales: [Float], bias: Tensor?, inFeatures: Int) {
        precondition(inFeatures > 0 && values.count == scales.count * inFeatures, "int8 Linear values do not match \(scales.count) × \(inFeatures)")
        precondition(bias.map { $0.count == scales.count } ?? true, "bias length must equal out features")
        storage = .int8(values: values, scales: scales, bias: bias)
        self.inFeatures = inFeatures
        outFeatures = scales.count
    }

    /// `x` `[T, in]` → `[T, out]`, or `[in]` → `[out]`, in a tensor from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.rank == 1 ? [outFeatures] : [x.shape[0], outFeatures])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes `x·Wᵀ + b` into `y` (see ``Linear/apply(_:into:)``).
    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        widened(into: workspace.tensor([outFeatures, inFeatures])).apply(x, into: y)
    }

    /// The float layer with its weights in `workspace` (valid until released), for a caller that
    /// applies the same layer many times: ALBERT's shared layer runs 12 times per call.
    func floatLinear(in workspace: Workspace) -> Linear {
        if case .float(let linear) = storage { return linear }
        return widened(into: workspace.tensor([outFeatures, inFeatures]))
    }

    /// The layer on float weights in storage of its own (for layers read weight by weight).
    func floatLinear() -> Linear {
        widened(into: Tensor(zeros: [outFeatures, inFeatures]))
    }

    /// The float layer, its weights written into `weight` `[out, in]` when they are int8.
    private func widened(into weight: Tensor) -> Linear {
        switch storage {
        case .float(let linear):
            return linear
        case .int8(let values, let scales, let bias):
            let n = inFeatures
            withExtendedLifetime(weight) {
                values.withUnsafeBufferPointer { q in
                    for o in 0..<outFeatures {
                        let s = scales[o], src = o * n, row = weight.pointer + o * n
                        for i in 0..<n { row[i] = Float(q[src + i]) * s }
                    }
                }
            }
            return Linear(weight: weight, bias: bias)
        }
    }
}
