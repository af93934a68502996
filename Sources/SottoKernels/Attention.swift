import Glibc

/// Which keys each query may see. Queries are the last `Tq` positions of the `Tk` keys unless a
/// query offset says otherwise (query i sits at absolute position `offset + i`).
public enum AttentionMask: Sendable {
    /// Every key.
    case none
    /// Key j visible iff j ≤ position(i).
    case causal
    /// Key j visible iff position(i) − window < j ≤ position(i).
    case slidingWindow(Int)
    /// Added to the scaled scores; `[Tq, Tk]` (use −inf to hide a key).
    case additive(Tensor)
}

/// Multi-head scaled dot-product attention over `[time, heads·headDim]` tensors, with grouped
/// query heads (query head h reads key/value head h / (heads / kvHeads)).
///
/// The pieces are public so that model-specific variants (relative-position attention) can be
/// assembled from them: ``scores(query:key:queryHead:keyHead:headDim:scale:into:)``,
/// ``Softmax/rows(_:)`` and ``weightedSum(probabilities:value:valueHead:headDim:into:outputHead:)``.
public enum Attention {
    /// Query head's slice `[T, headDim]` of a `[T, heads·headDim]` tensor (a strided view).
    public static func head(_ x: Tensor, _ index: Int, headDim: Int) -> Tensor {
        x.sliced(axis: 1, index * headDim..<(index + 1) * headDim)
    }

    /// scores `[Tq, Tk]` = scale · Q_h · K_hᵀ.
    public static func scores(query: Tensor, key: Tensor, queryHead: Int, keyHead: Int, headDim: Int, scale: Float,
                              into scores: Tensor) {
        BLAS.matmul(head(query, queryHead, headDim: headDim), head(key, keyHead, headDim: headDim).transposed(),
                    into: scores, alpha: scale)
    }

    /// output head slice `[Tq, headDim]` = probabilities `[Tq, Tk]` · V_h.
    public static func weightedSum(probabilities: Tensor, value: Tensor, valueHead: Int, headDim: Int,
                                   into output: Tensor, outputHead: Int) {
        BLAS.matmul(probabilities, head(value, valueHead, headDim: headDim),
                    into: head(output, outputHead, headDim: headDim))
    }

    /// Range of visible keys for a query at absolute `position` (all masks here are intervals).
    @inline(__always)
    static func visibleKeys(_ mask: AttentionMask, position: Int, keyCount: Int) -> Range<Int> {
        switch mask {
        case .none, .additive: return 0..<keyCount
        case .causal: return 0..<max(0, min(keyCount, position + 1))
        case .slidingWindow(let window):
            let upper = max(0, min(keyCount, position + 1))
            return min(upper, max(0, position - window + 1))..<upper
        }
    }

    /// Full attention: `query` `[Tq, heads·d]`, `key`/`value` `[Tk, kvHeads·d]` → `output`
    /// `[Tq, heads·d]`. Rows of every tensor may be strided (e.g. views into a fused QKV buffer or
    /// a KV cache). `queryOffset` defaults to `Tk − Tq` (queries are the newest positions).
    public static func apply(query: Tensor, key: Tensor, value: Tensor, heads: Int, kvHeads: Int,
                             mask: AttentionMask = .none, queryOffset: Int? = nil, scale: Float? = nil,
                             into output: Tensor, workspace: Workspace) {
        precondition(query.rank == 2 && key.rank == 2 && value.rank == 2 && output.rank == 2, "attention needs 2-D tensors")
        precondition(heads % kvHeads == 0, "heads \(heads) not a multiple of kv heads \(kvHeads)")
        let tq = query.shape[0], tk = key.shape[0]
        let d = query.shape[1] / heads
        precondition(query.shape[1] == heads * d && key.shape[1] == kvHeads * d && value.shape == key.shape,
                     "attention shapes disagree: q \(query.shape), k \(key.shape), v \(value.shape), heads \(heads)/\(kvHeads)")
        precondition(output.shape == query.shape, "attention output should be \(query.shape), got \(output.shape)")
        let offset = queryOffset ?? (tk - tq)
        let s = scale ?? 1 / Float(d).squareRoot()
        let group = heads / kvHeads
        if case .additive(let m) = mask {
            precondition(m.shape == [tq, tk], "additive mask must be [\(tq), \(tk)], got \(m.shape)")
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }

        if tq == 1 && group > 1 && query.strides[1] == 1 && output.strides[1] == 1 {
            // Decoding: the group's query heads are adjacent rows of one [group, d] matrix, so one
            // sgemm per key/value head scores all of them.
            let probabilities = workspace.tensor([group, tk])
            for kvh in 0..<kvHeads {
                let q = Tensor(storage: query.storage, shape: [group, d], strides: [d, 1],
                               offset: query.offset + kvh * group * d)
                BLAS.matmul(q, head(key, kvh, headDim: d).transposed(), into: probabilities, alpha: s)
                normalise(probabilities, mask: mask, offset: offset, rowsArePositions: false)
                let out = Tensor(storage: output.storage, shape: [group, d], strides: [d, 1],
                                 offset: output.offset + kvh * group * d)
                BLAS.matmul(probabilities, head(value, kvh, headDim: d), into: out)
            }
            return
        }

        let probabilities = workspace.tensor([tq, tk])
        for h in 0..<heads {
            let kvh = h / group
            scores(query: query, key: key, queryHead: h, keyHead: kvh, headDim: d, scale: s, into: probabilities)
            normalise(probabilities, mask: mask, offset: offset, rowsArePositions: true)
            weightedSum(probabilities: probabilities, value: value, valueHead: kvh, headDim: d, into: output, outputHead: h)
        }
    }

    /// Adds an additive mask, restricts each row to its visible keys and applies softmax. Row r
    /// is the query at position `offset + r`, or, when `rowsArePositions` is false (grouped
    /// decoding, rows are heads), every row is the query at `offset`.
    static func normalise(_ p: Tensor, mask: AttentionMask, offset: Int, rowsArePositions: Bool) {
        let rows = p.shape[0], cols = p.shape[1]
        let rowStride = p.rowStride
        var additive: Tensor?
        if case .additive(let m) = mask { additive = m }
        withExtendedLifetime((p, additive)) {
            parallelFor(rows, minimumPerThread: max(1, 16384 / max(cols, 1))) { range in
                for r in range {
                    let row = p.pointer + r * rowStride
                    let query = rowsArePositions ? r : 0
                    if let m = additive {
                        let mr = m.pointer + query * m.strides[0]
                        let step = m.strides[1]
                        for j in 0..<cols { row[j] += mr[j * step] }
                    }
                    Softmax.row(row, count: cols, validRange: visibleKeys(mask, position: offset + query, keyCount: cols))
                }
            }
        }
    }
}
