import Foundation
import SottoKernels
import Testing

@Suite struct AttentionTests {
    enum Visibility { case all, causal, window(Int) }

    /// Softmax attention in double, head by head.
    static func reference(q: Tensor, k: Tensor, v: Tensor, heads: Int, kvHeads: Int, visibility: Visibility,
                          additive: Tensor? = nil, offset: Int? = nil) -> [Double] {
        let tq = q.shape[0], tk = k.shape[0], d = q.shape[1] / heads
        let off = offset ?? (tk - tq)
        let scale = 1 / Double(d).squareRoot()
        var out = [Double](repeating: 0, count: tq * heads * d)
        for h in 0..<heads {
            let kvh = h / (heads / kvHeads)
            for i in 0..<tq {
                let pos = off + i
                var scores = [Double](repeating: -.infinity, count: tk)
                for j in 0..<tk {
                    let visible: Bool
                    switch visibility {
                    case .all: visible = true
                    case .causal: visible = j <= pos
                    case .window(let w): visible = j <= pos && j > pos - w
                    }
                    guard visible else { continue }
                    var s = 0.0
                    for e in 0..<d { s += Double(q[i, h * d + e]) * Double(k[j, kvh * d + e]) }
                    scores[j] = s * scale + (additive.map { Double($0[i, j]) } ?? 0)
                }
                let peak = scores.max()!
                let weights = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - peak) }
                let total = weights.reduce(0, +)
                for e in 0..<d {
                    var acc = 0.0
                    for j in 0..<tk { acc += weights[j] / total * Double(v[j, kvh * d + e]) }
                    out[i * heads * d + h * d + e] = acc
                }
            }
        }
        return out
    }

    // Outputs are convex combinations of values in [-1, 1]; softmax weights carry ~1e-6
    // relative float error (scores of magnitude ≤ ~3, fast exp ≤ 2e-7), so 1e-5 is generous.
    static let tolerance = 1e-5

    @Test func unmaskedCrossAttention() {
        var rng = SeededRandom(seed: 40)
        let q = rng.tensor([5, 4 * 8]), k = rng.tensor([37, 4 * 8]), v = rng.tensor([37, 4 * 8])
        let out = Tensor(zeros: [5, 32])
        Attention.apply(query: q, key: k, value: v, heads: 4, kvHeads: 4, into: out, workspace: Workspace())
        expectClose(out.toArray(), Self.reference(q: q, k: k, v: v, heads: 4, kvHeads: 4, visibility: .all),
                    tolerance: { _ in Self.tolerance }, "cross attention")
    }

    @Test func causalSelfAttentionWithStridedQKVViews() {
        var rng = SeededRandom(seed: 41)
        let t = 37, heads = 3, d = 7
        let qkv = rng.tensor([t, 3 * heads * d], -2, 2)
        let q = qkv.sliced(axis: 1, 0..<heads * d)
        let k = qkv.sliced(axis: 1, heads * d..<2 * heads * d)
        let v = qkv.sliced(axis: 1, 2 * heads * d..<3 * heads * d)
        let out = Tensor(zeros: [t, heads * d])
        Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: heads, mask: .causal, into: out,
                        workspace: Workspace())
        expectClose(out.toArray(), Self.reference(q: q, k: k, v: v, heads: heads, kvHeads: heads, visibility: .causal),
                    tolerance: { _ in Self.tolerance }, "causal")
    }

    @Test func slidingWindowAndGroupedQueryHeads() {
        var rng = SeededRandom(seed: 42)
        let t = 37, heads = 6, kv = 2, d = 8
        let q = rng.tensor([t, heads * d]), k = rng.tensor([t, kv * d]), v = rng.tensor([t, kv * d])
        let out = Tensor(zeros: [t, heads * d])
        Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: kv, mask: .slidingWindow(5), into: out,
                        workspace: Workspace())
        expectClose(out.toArray(), Self.reference(q: q, k: k, v: v, heads: heads, kvHeads: kv, visibility: .window(5)),
                    tolerance: { _ in Self.tolerance }, "sliding window GQA")
    }

    @Test func additiveMask() {
        var rng = SeededRandom(seed: 43)
        let tq = 11, tk = 13, heads = 2, d = 5
        let q = rng.tensor([tq, heads * d]), k = rng.tensor([tk, heads * d]), v = rng.tensor([tk, heads * d])
        let mask = rng.tensor([tq, tk], -2, 2)
        for j in 9..<tk { mask[3, j] = -.infinity }  // padding keys hidden for one query
        let out = Tensor(zeros: [tq, heads * d])
        Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: heads, mask: .additive(mask), into: out,
                        workspace: Workspace())
        expectClose(out.toArray(),
                    Self.reference(q: q, k: k, v: v, heads: heads, kvHeads: heads, visibility: .all, additive: mask),
                    tolerance: { _ in Self.tolerance }, "additive mask")
    }

    @Test(arguments: [AttentionMask.causal, .slidingWindow(4)])
    func singleQueryWithCacheEqualsFullCausal(mask: AttentionMask) {
        var rng = SeededRandom(seed: 44)
        let t = 13, heads = 8, kv = 2, d = 16
        let q = rng.tensor([t, heads * d]), k = rng.tensor([t, kv * d]), v = rng.tensor([t, kv * d])
        let ws = Workspace()
        let full = Tensor(zeros: [t, heads * d])
        Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: kv, mask: mask, into: full, workspace: ws)
        var cache = KVCache(capacity: 32, kvHeads: kv, headDim: d)
        // Prefill 4 positions at once, then decode one at a time.
        let stepwise = Tensor(zeros: [t, heads * d])
        cache.append(keys: k.sliced(axis: 0, 0..<4), values: v.sliced(axis: 0, 0..<4))
        Attention.apply(query: q.sliced(axis: 0, 0..<4), key: cache.keys, value: cache.values, heads: heads, kvHeads: kv,
                        mask: mask, into: stepwise.sliced(axis: 0, 0..<4), workspace: ws)
        for i in 4..<t {
            cache.append(keys: k.sliced(axis: 0, i..<i + 1), values: v.sliced(axis: 0, i..<i + 1))
            Attention.apply(query: q.sliced(axis: 0, i..<i + 1), key: cache.keys, value: cache.values, heads: heads,
                            kvHeads: kv, mask: mask, into: stepwise.sliced(axis: 0, i..<i + 1), workspace: ws)
        }
        #expect(cache.count == t)
        expectClose(stepwise.toArray(), doubles(full), tolerance: { _ in 2e-6 }, "decode vs full \(mask)")
        let visibility: Visibility
        if case .slidingWindow(let w) = mask { visibility = .window(w) } else { visibility = .causal }
        expectClose(full.toArray(), Self.reference(q: q, k: k, v: v, heads: heads, kvHeads: kv, visibility: visibility),
                    tolerance: { _ in Self.tolerance }, "full \(mask)")
    }

    @Test func exposedPiecesComposeToAttention() {
        var rng = SeededRandom(seed: 45)
        let t = 9, heads = 2, d = 4
        let q = rng.tensor([t, heads * d]), k = rng.tensor([t, heads * d]), v = rng.tensor([t, heads * d])
        let out = Tensor(zeros: [t, heads * d])
        let scores = Tensor(zeros: [t, t])
        for h in 0..<heads {
            Attention.scores(query: q, key: k, queryHead: h, keyHead: h, headDim: d, scale: 0.5, into: scores)
            Softmax.rows(scores)
            Attention.weightedSum(probabilities: scores, value: v, valueHead: h, headDim: d, into: out, outputHead: h)
        }
        expectClose(out.toArray(), Self.reference(q: q, k: k, v: v, heads: heads, kvHeads: heads, visibility: .all),
                    tolerance: { _ in Self.tolerance }, "pieces")
    }

    @Test func ropeRotatesHalvesAndHonoursOffsets() {
        var rng = SeededRandom(seed: 46)
        let t = 10, heads = 3, d = 8
        let rope = RotaryEmbedding(headDim: d, theta: 1_000_000)
        let x = rng.tensor([t, heads * d])
        let original = x.copied()
        rope.apply(rope.angles(positions: 0..<t), to: x, heads: heads)
        var reference = [Double]()
        for p in 0..<t {
            for h in 0..<heads {
                var row = [Double](repeating: 0, count: d)
                for i in 0..<d / 2 {
                    let angle = Double(p) * Foundation.pow(1_000_000, -2 * Double(i) / Double(d))
                    let a = Double(original[p, h * d + i]), b = Double(original[p, h * d + i + d / 2])
                    row[i] = a * Foundation.cos(angle) - b * Foundation.sin(angle)
                    row[i + d / 2] = b * Foundation.cos(angle) + a * Foundation.sin(angle)
                }
                reference += row
            }
        }
        expectClose(x.toArray(), reference, tolerance: { _ in 1e-6 }, "RoPE")
        // Rotating positions 6..<10 alone gives the same rows.
        let tail = original.sliced(axis: 0, 6..<10).copied()
        rope.apply(rope.angles(positions: 6..<10), to: tail, heads: heads)
        #expect(tail.toArray() == x.sliced(axis: 0, 6..<10).toArray())
    }

    @Test func partialRotaryLeavesTheRestAlone() {
        var rng = SeededRandom(seed: 47)
        let rope = RotaryEmbedding(headDim: 8, theta: 10_000, rotaryDim: 4)
        let x = rng.tensor([3, 8])
        let original = x.copied()
        rope.apply(rope.angles(positions: 2..<5), to: x, heads: 1)
        for p in 0..<3 { for e in 4..<8 { #expect(x[p, e] == original[p, e]) } }
        let angle = 2.0 * Foundation.pow(10_000, -2 * 1.0 / 4)
        let expected = Double(original[0, 1]) * Foundation.cos(angle) - Double(original[0, 3]) * Foundation.sin(angle)
        #expect(abs(Double(x[0, 1]) - expected) < 1e-6)
    }
}
