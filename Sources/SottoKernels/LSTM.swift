/// Weights of one LSTM direction in PyTorch's layout and gate order (input, forget, cell, output).
public struct LSTMWeights: Sendable {
    /// `[4H, in]`.
    public let inputWeight: Tensor
    /// `[4H, H]`.
    public let hiddenWeight: Tensor
    /// `[4H]` each, optional (PyTorch's `bias_ih` and `bias_hh`; they are summed).
    public let inputBias: Tensor?
    public let hiddenBias: Tensor?

    public init(inputWeight: Tensor, hiddenWeight: Tensor, inputBias: Tensor? = nil, hiddenBias: Tensor? = nil) {
        precondition(inputWeight.rank == 2 && hiddenWeight.rank == 2, "LSTM weights must be 2-D")
        let gates = inputWeight.shape[0]
        precondition(gates % 4 == 0 && hiddenWeight.shape == [gates, gates / 4],
                     "weight_hh must be [4H, H] for weight_ih \(inputWeight.shape), got \(hiddenWeight.shape)")
        precondition(inputBias.map { $0.count == gates } ?? true, "bias_ih must have 4H values")
        precondition(hiddenBias.map { $0.count == gates } ?? true, "bias_hh must have 4H values")
        self.inputWeight = inputWeight.contiguous()
        self.hiddenWeight = hiddenWeight.contiguous()
        self.inputBias = inputBias
        self.hiddenBias = hiddenBias
    }

    public var hiddenSize: Int { hiddenWeight.shape[1] }
    public var inputSize: Int { inputWeight.shape[1] }
}

/// One LSTM direction as int8 values with one scale per matrix (the form of a dynamically
/// quantised export), in PyTorch's layout and gate order: `inputWeight` `[4H, in]`,
/// `hiddenWeight` `[4H, H]`, w = q·scale. An ``LSTM`` built from these holds them one byte each
/// and widens them to floats for the duration of a call.
public struct LSTMInt8Weights: Sendable {
    public let inputWeight: [Int8]
    public let inputScale: Float
    public let hiddenWeight: [Int8]
    public let hiddenScale: Float
    public let inputSize: Int
    public let hiddenSize: Int
    public let inputBias: Tensor?
    public let hiddenBias: Tensor?

    public init(inputWeight: [Int8], inputScale: Float, hiddenWeight: [Int8], hiddenScale: Float,
                inputSize: Int, hiddenSize: Int, inputBias: Tensor? = nil, hiddenBias: Tensor? = nil) {
        precondition(inputWeight.count == 4 * hiddenSize * inputSize && hiddenWeight.count == 4 * hiddenSize * hiddenSize,
                     "int8 LSTM weights must be [4H, in] and [4H, H]")
        precondition(inputBias.map { $0.count == 4 * hiddenSize } ?? true, "bias_ih must have 4H values")
        precondition(hiddenBias.map { $0.count == 4 * hiddenSize } ?? true, "bias_hh must have 4H values")
        self.inputWeight = inputWeight
        self.inputScale = inputScale
        self.hiddenWeight = hiddenWeight
        self.hiddenScale = hiddenScale
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.inputBias = inputBias
        self.hiddenBias = hiddenBias
    }

    /// `values`·`scale` into `out` (as many floats as values).
    static func widen(_ values: [Int8], scale: Float, into out: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { q in
            for i in 0..<q.count { out[i] = Float(q[i]) * scale }
        }
    }
}

/// A single-layer LSTM over `[T, in]`, one or two directions (PyTorch `nn.LSTM` with
/// `batch_first`, batch 1, zero initial state). The output is `[T, H]`, or `[T, 2H]` with the
/// forward direction's hidden states followed by the backward direction's (each aligned to its
/// time step, as PyTorch returns them).
///
/// The input projection of every step and both directions is one sgemm; the recurrence then runs
/// one matrix-vector product per step and direction with the gate math fused in a vectorised
/// loop; the two directions run concurrently when two threads are available.
public struct LSTM: Sendable {
    public let hiddenSize: Int
    public let inputSize: Int
    public let directions: Int
    /// The weight matrices: floats, or int8 widened per call.
    enum Matrices: Sendable {
        /// `[directions·4H, in]` and one `[4H, H]` per direction.
        case float(stackedInput: Tensor, hidden: [Tensor])
        case int8([LSTMInt8Weights])
    }
    let matrices: Matrices
    /// `[directions·4H]`: both biases summed.
    let stackedBias: Tensor

    /// A unidirectional LSTM.
    public init(_ weights: LSTMWeights) {
        self.init(directions: [weights])
    }

    /// A bidirectional LSTM.
    public init(forward: LSTMWeights, backward: LSTMWeights) {
        self.init(directions: [forward, backward])
    }

    private init(directions: [LSTMWeights]) {
        let h = directions[0].hiddenSize, input = directions[0].inputSize
        precondition(directions.allSatisfy { $0.hiddenSize == h && $0.inputSize == input }, "directions differ in size")
        hiddenSize = h
        inputSize = input
        self.directions = directions.count
        let w = Tensor(zeros: [directions.count * 4 * h, input])
        for (d, dir) in directions.enumerated() {
            w.sliced(axis: 0, d * 4 * h..<(d + 1) * 4 * h).copy(from: dir.inputWeight)
        }
        matrices = .float(stackedInput: w, hidden: directions.map(\.hiddenWeight))
        stackedBias = Self.summedBiases(directions.map { ($0.inputBias, $0.hiddenBias) }, hidden: h)
    }

    /// A bidirectional LSTM on int8 weights (one byte per weight held; the products are the
    /// same float32 ones as on the widened weights).
    public init(forward: LSTMInt8Weights, backward: LSTMInt8Weights) {
        let h = forward.hiddenSize, input = forward.inputSize
        precondition(backward.hiddenSize == h && backward.inputSize == input, "directions differ in size")
        hiddenSize = h
        inputSize = input
        directions = 2
        matrices = .int8([forward, backward])
        stackedBias = Self.summedBiases([(forward.inputBias, forward.hiddenBias), (backward.inputBias, backward.hiddenBias)], hidden: h)
    }

    /// `[directions·4H]`: bias_ih + bias_hh per direction.
    private static func summedBiases(_ biases: [(Tensor?, Tensor?)], hidden h: Int) -> Tensor {
        let b = Tensor(zeros: [biases.count * 4 * h])
        for (d, (bi, bh)) in biases.enumerated() {
            let bias = b.sliced(axis: 0, d * 4 * h..<(d + 1) * 4 * h)
            if let bi { bias.copy(from: bi.reshaped([-1])) }
            if let bh { Elementwise.add(bias, bh.contiguous().reshaped([-1]), into: bias) }
        }
        return b
    }

    /// Bytes of weights held (matrices and summed biases).
    public var weightBytes: Int {
        let biases = stackedBias.count * MemoryLayout<Float>.stride
        switch matrices {
        case .float(let w, let hidden): return (w.count + hidden.reduce(0) { $0 + $1.count }) * MemoryLayout<Float>.stride + biases
        case .int8(let dirs): return dirs.reduce(0) { $0 + $1.inputWeight.count + $1.hiddenWeight.count } + biases
        }
    }

    /// The float matrices for one call: the held ones, or int8 ones widened into `workspace`.
    private func floatMatrices(_ workspace: Workspace) -> (input: Tensor, hidden: [Tensor]) {
        switch matrices {
        case .float(let w, let hidden): return (w, hidden)
        case .int8(let dirs):
            let gates = 4 * hiddenSize
            let w = workspace.tensor([directions * gates, inputSize])
            let hidden = dirs.map { _ in workspace.tensor([gates, hiddenSize]) }
            withExtendedLifetime((w, hidden)) {
                for (d, dir) in dirs.enumerated() {
                    LSTMInt8Weights.widen(dir.inputWeight, scale: dir.inputScale, into: w.pointer + d * gates * inputSize)
                    LSTMInt8Weights.widen(dir.hiddenWeight, scale: dir.hiddenScale, into: hidden[d].pointer)
                }
            }
            return (w, hidden)
        }
    }

    public var outputSize: Int { directions * hiddenSize }

    /// `x` `[T, in]` → `[T, directions·H]` in a tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([x.shape[0], outputSize])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes the hidden states for `x` `[T, in]` into `y` `[T, directions·H]`.
    public func apply(_ x: Tensor, into y: Tensor, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[1] == inputSize, "LSTM expects [T, \(inputSize)], got \(x.shape)")
        let steps = x.shape[0]
        precondition(y.rank == 2 && y.shape[0] == steps && y.shape[1] == outputSize,
                     "LSTM output should be [\(steps), \(outputSize)], got \(y.shape)")
        precondition(y.hasDenseRows, "LSTM output needs dense rows")
        guard steps > 0 else { return }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let (stackedInputWeight, hiddenWeights) = floatMatrices(workspace)
        let h = hiddenSize, gates = 4 * h, width = directions * gates
        // Every step's input projection for all directions, biases included.
        let projected = workspace.tensor([steps, width])
        for t in 0..<steps { (projected.pointer + t * width).update(from: stackedBias.pointer, count: width) }
        BLAS.matmul(x, stackedInputWeight.transposed(), into: projected, beta: 1, workspace: workspace)
        let state = workspace.zeros([directions, 2, h])
        withExtendedLifetime((projected, state, y, hiddenWeights)) {
            // The directions are independent: with two threads each runs on its own core. The
            // per-step product is this library's own loop rather than OpenBLAS's threaded sgemv,
            // whose hand-off between threads every step costs more than the product itself.
            parallelFor(directions) { range in
                for d in range {
                    let hidden = state.pointer + d * 2 * h
                    let cell = hidden + h
                    let recurrent = hiddenWeights[d].pointer
                    for s in 0..<steps {
                        let t = d == 0 ? s : steps - 1 - s
                        let g = projected.pointer + t * width + d * gates
                        if s > 0 { Self.addProduct(recurrent, rows: gates, cols: h, hidden, into: g) }
                        Self.updateState(gates: g, hidden: hidden, cell: cell, count: h)
                        (y.pointer + t * y.rowStride + d * h).update(from: hidden, count: h)
                    }
                }
            }
        }
    }

    /// y[r] += Σ_c W[r, c]·x[c] for a dense row-major W, four rows per pass so each load of x
    /// feeds four multiply-add chains.
    @inline(__always)
    static func addProduct(_ w: UnsafePointer<Float>, rows: Int, cols: Int, _ x: UnsafePointer<Float>,
                           into y: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let body = cols & ~7
        var r = 0
        while r + 4 <= rows {
            let w0 = w + r * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            var c = 0
            while c < body {
                let xv = UnsafeRawPointer(x + c).loadUnaligned(as: V.self)
                a0 = a0.addingProduct(UnsafeRawPointer(w0 + c).loadUnaligned(as: V.self), xv)
                a1 = a1.addingProduct(UnsafeRawPointer(w1 + c).loadUnaligned(as: V.self), xv)
                a2 = a2.addingProduct(UnsafeRawPointer(w2 + c).loadUnaligned(as: V.self), xv)
                a3 = a3.addingProduct(UnsafeRawPointer(w3 + c).loadUnaligned(as: V.self), xv)
                c += 8
            }
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            while c < cols {
                s0 += w0[c] * x[c]
                s1 += w1[c] * x[c]
                s2 += w2[c] * x[c]
                s3 += w3[c] * x[c]
                c += 1
            }
            y[r] += s0
            y[r + 1] += s1
            y[r + 2] += s2
            y[r + 3] += s3
            r += 4
        }
        while r < rows {
            y[r] += Reductions.dot(w + r * cols, x, count: cols)
            r += 1
        }
    }

    /// c = σ(f)·c + σ(i)·tanh(g); h = σ(o)·tanh(c), eight units at a time.
    @inline(__always)
    static func updateState(gates: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                            cell: UnsafeMutablePointer<Float>, count h: Int) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ n: Int) -> V {
            if n == 8 { return UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
            var v = V()
            for j in 0..<n { v[j] = p[i + j] }
            return v
        }
        var i = 0
        while i < h {
            let n = min(8, h - i)
            let ig = FastMath.sigmoid(load(gates, i, n))
            let fg = FastMath.sigmoid(load(gates + h, i, n))
            let gg = FastMath.tanh(load(gates + 2 * h, i, n))
            let og = FastMath.sigmoid(load(gates + 3 * h, i, n))
            let c = fg * load(cell, i, n) + ig * gg
            let hv = og * FastMath.tanh(c)
            for j in 0..<n {
                cell[i + j] = c[j]
                hidden[i + j] = hv[j]
            }
            i += 8
        }
    }
}
