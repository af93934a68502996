import SottoKernels

/// VITS self-attention with relative positions: keys and values of offsets −w … w (w = window)
/// have learned embeddings shared by all heads, added to the content scores and to the
/// weighted values. Farther offsets get none. Works on `[channels, time]` like the convolutions
/// around it; heads are row blocks of `headChannels` channels.
struct RelativePositionAttention {
    let query: Conv1d
    let key: Conv1d
    let value: Conv1d
    let output: Conv1d
    /// `[2w + 1, headChannels]`: row r is offset r − w.
    let relativeKeys: Tensor
    let relativeValues: Tensor
    let heads: Int
    let headChannels: Int
    let window: Int

    init(weights: PiperWeights, module: String) throws {
        query = try weights.conv(module + ".conv_q")
        key = try weights.conv(module + ".conv_k")
        value = try weights.conv(module + ".conv_v")
        output = try weights.conv(module + ".conv_o")
        let keys = try weights.tensor(module + ".emb_rel_k")
        let values = try weights.tensor(module + ".emb_rel_v")
        // [1, 2w + 1, d]: one table shared by the heads (Piper never trains per-head tables).
        guard keys.rank == 3, keys.shape[0] == 1, keys.shape[1] % 2 == 1, values.shape == keys.shape,
              query.outChannels % keys.shape[2] == 0 else {
            throw weights.malformed(module, "relative embeddings \(keys.shape) do not fit \(query.outChannels) channels")
        }
        headChannels = keys.shape[2]
        heads = query.outChannels / headChannels
        window = (keys.shape[1] - 1) / 2
        relativeKeys = keys.reshaped([keys.shape[1], headChannels])
        relativeValues = values.reshaped([values.shape[1], headChannels])
    }

    /// `x` `[C, T]` → `[C, T]` from `workspace`.
    func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let length = x.shape[1]
        let span = 2 * window + 1
        let result = workspace.tensor([output.outChannels, length])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let q = query(x, workspace: workspace)
        let k = key(x, workspace: workspace)
        let v = value(x, workspace: workspace)
        let mixed = workspace.tensor([query.outChannels, length])
        // The query is divided before both products, as the reference scales it once.
        Elementwise.affine(q, scale: 1 / Float(headChannels).squareRoot(), into: q)
        let scores = workspace.tensor([length, length])
        let relative = workspace.tensor([length, span])
        withExtendedLifetime((q, k, v, mixed, scores, relative)) {
            for h in 0 ..< heads {
                let rows = h * headChannels * length
                // scores[i, j] = q_i · k_j, and relative[i, r] = q_i · e_k[r].
                BLAS.sgemm(transposeA: true, m: length, n: length, k: headChannels, a: q.pointer + rows, lda: length,
                           b: k.pointer + rows, ldb: length, c: scores.pointer, ldc: length)
                BLAS.sgemm(transposeA: true, transposeB: true, m: length, n: span, k: headChannels,
                           a: q.pointer + rows, lda: length, b: relativeKeys.pointer, ldb: headChannels,
                           c: relative.pointer, ldc: span)
                addRelativeScores(scores.pointer, relative.pointer, length: length)
                Softmax.rows(scores)
                // out[d, i] = Σ_j v[d, j]·p[i, j] + Σ_r e_v[r, d]·p[i, i + r − w].
                BLAS.sgemm(transposeB: true, m: headChannels, n: length, k: length, a: v.pointer + rows, lda: length,
                           b: scores.pointer, ldb: length, c: mixed.pointer + rows, ldc: length)
                gatherRelativeProbabilities(scores.pointer, into: relative.pointer, length: length)
                BLAS.sgemm(transposeA: true, transposeB: true, m: headChannels, n: length, k: span,
                           a: relativeValues.pointer, lda: headChannels, b: relative.pointer, ldb: span, beta: 1,
                           c: mixed.pointer + rows, ldc: length)
            }
        }
        output.apply(mixed, into: result, workspace: workspace)
        return result
    }

    /// scores[i, j] += relative[i, j − i + w] for |j − i| ≤ w.
    private func addRelativeScores(_ scores: UnsafeMutablePointer<Float>, _ relative: UnsafePointer<Float>, length: Int) {
        let span = 2 * window + 1
        for i in 0 ..< length {
            let lower = max(0, i - window), upper = min(length - 1, i + window)
            guard lower <= upper else { continue }
            for j in lower ... upper {
                scores[i * length + j] += relative[i * span + j - i + window]
            }
        }
    }

    /// relative[i, r] = p[i, i + r − w], 0 where that key does not exist.
    private func gatherRelativeProbabilities(_ p: UnsafePointer<Float>, into relative: UnsafeMutablePointer<Float>,
                                             length: Int) {
        let span = 2 * window + 1
        for i in 0 ..< length {
            for r in 0 ..< span {
                let j = i + r - window
                relative[i * span + r] = j >= 0 && j < length ? p[i * length + j] : 0
            }
        }
    }
}
