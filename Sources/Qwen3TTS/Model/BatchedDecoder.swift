import Foundation
import SottoCore
import SottoKernels

/// One sequence's part of a batched pass: `rows` consecutive rows of the input, continuing the
/// positions of `cache`.
struct DecoderSegment {
    let cache: DecoderCache
    let rows: Int
}

extension Qwen3DecoderLayer {
    /// Runs the rows of several sequences at once: `x` `[Σ rows, hidden]` holds each segment's
    /// rows in order. Every projection multiplies all rows in one pass over the weights (the
    /// weights are read once for the whole batch); queries, keys and values are split by
    /// segment for rotary positions and attention against each sequence's own cache.
    func forward(_ x: Tensor, segments: [DecoderSegment], layer index: Int, rope: RotaryEmbedding,
                 angles: [RotaryEmbedding.Angles], workspace: Workspace) {
        let count = x.shape[0], h = dims.hiddenSize, hd = dims.headDim, eps = dims.rmsNormEpsilon
        let qDim = dims.heads * hd, kvDim = dims.kvHeads * hd, inter = dims.intermediateSize
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }

        let normed = workspace.tensor([count, h])
        Norms.rmsNorm(rowsOf: x, weight: inputNorm, eps: eps, into: normed)
        let projected = qkv(normed, workspace: workspace)
        for t in 0 ..< count {
            let row = projected.selecting(axis: 0, t)
            let queries = row.sliced(axis: 0, 0 ..< qDim).reshaped([dims.heads, hd])
            let keys = row.sliced(axis: 0, qDim ..< qDim + kvDim).reshaped([dims.kvHeads, hd])
            Norms.rmsNorm(rowsOf: queries, weight: queryNorm, eps: eps, into: queries)
            Norms.rmsNorm(rowsOf: keys, weight: keyNorm, eps: eps, into: keys)
        }
        let attended = workspace.tensor([count, qDim])
        var first = 0
        for (s, segment) in segments.enumerated() {
            let rows = first ..< first + segment.rows
            first += segment.rows
            let part = projected.sliced(axis: 0, rows)
            let queries = part.sliced(axis: 1, 0 ..< qDim)
            let keys = part.sliced(axis: 1, qDim ..< qDim + kvDim)
            rope.apply(angles[s], to: queries, heads: dims.heads)
            rope.apply(angles[s], to: keys, heads: dims.kvHeads)
            segment.cache.layers[index].append(keys: keys, values: part.sliced(axis: 1, qDim + kvDim ..< qDim + 2 * kvDim))
            let cache = segment.cache.layers[index]
            Attention.apply(query: queries, key: cache.keys, value: cache.values, heads: dims.heads, kvHeads: dims.kvHeads,
                            mask: .causal, into: attended.sliced(axis: 0, rows), workspace: workspace)
        }
        let residual = output(attended, workspace: workspace)
        Elementwise.add(x, residual, into: x)

        Norms.rmsNorm(rowsOf: x, weight: postAttentionNorm, eps: eps, into: normed)
        let gates = gateUp(normed, workspace: workspace)
        let activated = workspace.tensor([count, inter])
        Gates.swiGLU(gate: gates.sliced(axis: 1, 0 ..< inter), up: gates.sliced(axis: 1, inter ..< 2 * inter), into: activated)
        down.apply(activated, into: residual, workspace: workspace)
        Elementwise.add(x, residual, into: x)
    }
}

extension Qwen3Decoder {
    /// Runs the rows of several sequences (each segment's rows in order in `x`) through every
    /// layer in place; `x` ends as the final-normed hidden states. With one segment this is the
    /// same arithmetic as ``forward(_:cache:workspace:)``.
    func forward(_ x: Tensor, segments: [DecoderSegment], workspace: Workspace) {
        precondition(segments.reduce(0) { $0 + $1.rows } == x.shape[0], "segments must cover the rows of the input")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let angles = segments.map { segment -> RotaryEmbedding.Angles in
            let start = segment.cache.count
            segment.cache.reserve(segment.rows)
            return rope.angles(positions: start ..< start + segment.rows, workspace: workspace)
        }
        for (index, layer) in layers.enumerated() {
            layer.forward(x, segments: segments, layer: index, rope: rope, angles: angles, workspace: workspace)
        }
        Norms.rmsNorm(rowsOf: x, weight: finalNorm, eps: dims.rmsNormEpsilon, into: x)
    }
}

extension Talker {
    /// One decoding step for several sequences: `inputs[i]` (one row of hiddenSize) continues
    /// `caches[i]`. Returns each sequence's final-normed hidden state and codebook-0 logits.
    func forward(rows inputs: [[Float]], caches: [DecoderCache], workspace: Workspace) -> [(hidden: [Float], logits: [Float])] {
        let n = inputs.count, width = hiddenSize
        precondition(caches.count == n && n > 0)
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let x = workspace.tensor([n, width])
        for (i, row) in inputs.enumerated() {
            row.withUnsafeBufferPointer { (x.pointer + i * width).update(from: $0.baseAddress!, count: width) }
        }
        decoder.forward(x, segments: caches.map { DecoderSegment(cache: $0, rows: 1) }, workspace: workspace)
        let logits = codecHead(x, workspace: workspace)
        return (0 ..< n).map { i in
            (x.selecting(axis: 0, i).toArray(), logits.selecting(axis: 0, i).toArray())
        }
    }
}

extension CodePredictor {
    /// ``predict(talkerHidden:firstCodeEmbedding:cache:workspace:choose:)`` for several frames at
    /// once, one per sequence: each of the 15 sub-steps runs all sequences' rows through the
    /// predictor in one pass over its weights. `choose(sequence, group, logits)` picks each code.
    func predict(talkerHiddens: [[Float]], firstCodeEmbeddings: [[Float]], caches: [DecoderCache], workspace: Workspace,
                 choose: (_ sequence: Int, _ group: Int, _ logits: [Float]) -> Int) -> [(codes: [Int], embeddingSum: [Float])] {
        let n = caches.count, width = talkerWidth, inner = config.dimensions.hiddenSize
        precondition(talkerHiddens.count == n && firstCodeEmbeddings.count == n && n > 0)
        for cache in caches { cache.reset() }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        var codes = [[Int]](repeating: [], count: n)
        let embeddingSums = workspace.zeros([n, width])
        let inputs = workspace.tensor([2 * n, width])
        for i in 0 ..< n {
            talkerHiddens[i].withUnsafeBufferPointer { (inputs.pointer + 2 * i * width).update(from: $0.baseAddress!, count: width) }
            firstCodeEmbeddings[i].withUnsafeBufferPointer {
                (inputs.pointer + (2 * i + 1) * width).update(from: $0.baseAddress!, count: width)
            }
        }
        var step = inputs, rowsEach = 2
        for group in 0 ..< groups {
            let stepMark = workspace.mark()
            let x = inputProjection.map { $0(step, workspace: workspace) } ?? step.copied(in: workspace)
            decoder.forward(x, segments: caches.map { DecoderSegment(cache: $0, rows: rowsEach) }, workspace: workspace)
            let last: Tensor
            if rowsEach == 1 {
                last = x
            } else {
                last = workspace.tensor([n, inner])
                for i in 0 ..< n { last.selecting(axis: 0, i).copy(from: x.selecting(axis: 0, (i + 1) * rowsEach - 1)) }
            }
            let scores = heads[group](last, workspace: workspace)
            let logits = (0 ..< n).map { scores.selecting(axis: 0, $0).toArray() }
            workspace.release(to: stepMark)
            step = inputs.sliced(axis: 0, 0 ..< n)
            rowsEach = 1
            for i in 0 ..< n {
                let code = choose(i, group, logits[i])
                codes[i].append(code)
                codecEmbeddings[group].gather(code, into: step.pointer + i * width)
            }
            Elementwise.add(embeddingSums, step, into: embeddingSums)
        }
        return (0 ..< n).map { (codes[$0], embeddingSums.selecting(axis: 0, $0).toArray()) }
    }
}
