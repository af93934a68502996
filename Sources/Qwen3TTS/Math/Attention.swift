import Foundation
import SottoKernels

/// Scaled dot-product attention of new queries against cached keys and values, with grouped
/// query heads, a causal mask and an optional sliding window (key j is visible from query i
/// when `i - window < j <= i`).
enum CachedAttention {
    /// `queries`: `count` rows of `heads × headDim` at positions `start ..< start + count`;
    /// `keys`/`values`: rows of `kvHeads × headDim` for positions `0 ..< start + count`.
    static func run(queries: UnsafePointer<Float>, count: Int, start: Int, heads: Int, kvHeads: Int, headDim: Int,
                    keys: UnsafePointer<Float>, values: UnsafePointer<Float>, window: Int? = nil,
                    into output: UnsafeMutablePointer<Float>) {
        let group = heads / kvHeads
        let scale = 1 / Float(headDim).squareRoot()
        let kvWidth = kvHeads * headDim
        let qWidth = heads * headDim
        let shared = SharedAttention(q: queries, k: keys, v: values, out: output)
        let work = count * heads
        parallelFor(work, minimumPerThread: max(1, 4096 / max(start + count, 1))) { range in
            let total = start + count
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: total)
            defer { scores.deallocate() }
            for item in range {
                let t = item / heads, h = item % heads
                let position = start + t
                let first = window.map { max(0, position - $0 + 1) } ?? 0
                let q = shared.q + t * qWidth + h * headDim
                let kvOffset = (h / group) * headDim
                var peak = -Float.infinity
                for j in first ... position {
                    let k = shared.k + j * kvWidth + kvOffset
                    var dot: Float = 0
                    for d in 0 ..< headDim { dot += q[d] * k[d] }
                    dot *= scale
                    scores[j] = dot
                    peak = max(peak, dot)
                }
                var sum: Float = 0
                for j in first ... position {
                    let e = Foundation.exp(scores[j] - peak)
                    scores[j] = e
                    sum += e
                }
                let out = shared.out + t * qWidth + h * headDim
                for d in 0 ..< headDim { out[d] = 0 }
                let inverse = 1 / sum
                for j in first ... position {
                    let p = scores[j] * inverse
                    let v = shared.v + j * kvWidth + kvOffset
                    for d in 0 ..< headDim { out[d] += p * v[d] }
                }
            }
        }
    }
}

struct SharedAttention: @unchecked Sendable {
    let q: UnsafePointer<Float>
    let k: UnsafePointer<Float>
    let v: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
}
