import SottoKernels

/// A Linear layer that holds an int8 export's weights as they are stored (int8, one scale per
/// output). Where the model's tier has AVX-512 VNNI they run as the export runs them, on 8-bit
/// activations (``ByteLinear``); elsewhere they are widened to float32 for the duration of each
/// call: the same products as on fully dequantised weights, a quarter of the memory held between
/// calls. Float exports keep a plain ``Linear``.
struct HeldLinear: Sendable {
    enum Storage: Sendable {
        case float(Linear)
        /// `[out, in]` row-major values; w = value·scales[out].
        case int8(values: [Int8], scales: [Float], bias: Tensor?)
        /// The same weights in the byte kernel's layout.
        case bytes(ByteLinear)
    }
    let storage: Storage
    let inFeatures: Int
    let outFeatures: Int

    init(_ linear: Linear) {
        storage = .float(linear)
        inFeatures = linear.inFeatures
        outFeatures = linear.outFeatures
    }

    /// `path`: the model's tier's kernel path; the byte kernel runs where it allows AVX-512 VNNI.
    init(values: [Int8], scales: [Float], bias: Tensor?, inFeatures: Int, path: Int32) {
        precondition(inFeatures > 0 && values.count == scales.count * inFeatures, "int8 Linear values do not match \(scales.count) × \(inFeatures)")
        precondition(bias.map { $0.count == scales.count } ?? true, "bias length must equal out features")
        if let bytes = values.withUnsafeBufferPointer({ ByteLinear(values: $0, scales: scales, bias: bias, inFeatures: inFeatures, path: path) }) {
            storage = .bytes(bytes)
        } else {
            storage = .int8(values: values, scales: scales, bias: bias)
        }
        self.inFeatures = inFeatures
        outFeatures = scales.count
    }

    /// Whether the layer runs on 8-bit activations (``ByteLinear``).
    var usesBytes: Bool {
        if case .bytes = storage { return true }
        return false
    }

    /// `x` `[T, in]` → `[T, out]`, or `[in]` → `[out]`, in a tensor from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.rank == 1 ? [outFeatures] : [x.shape[0], outFeatures])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes `x·Wᵀ + b` into `y` (see ``Linear/apply(_:into:)``).
    func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        switch storage {
        case .float(let linear): return linear.apply(x, into: y)
        case .bytes(let bytes): return bytes.apply(x, into: y, workspace: workspace)
        case .int8: break
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        widened(into: workspace.tensor([outFeatures, inFeatures])).apply(x, into: y)
    }

    /// The layer ready to apply many times (ALBERT's shared layer runs 12 times per call): itself,
    /// or with int8 weights widened into `workspace` (valid until released).
    func prepared(in workspace: Workspace) -> HeldLinear {
        guard case .int8 = storage else { return self }
        return HeldLinear(widened(into: workspace.tensor([outFeatures, inFeatures])))
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
        case .bytes(let bytes):
            bytes.dequantize(into: weight)
            return Linear(weight: weight, bias: bytes.bias)
        }
    }
}
