import Foundation

/// Small pointer-level vector operations the Qwen3-TTS engine needs between matrix products.
/// They work on rows of `count` floats; the library's Tensor-level ops cover the same ground for
/// other engines.
enum VectorOps {
    /// `y = x / rms(x) * weight` over one row, in the reference's order (mean of squares in fp32).
    @inline(__always)
    static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, eps: Float, count: Int,
                        into y: UnsafeMutablePointer<Float>) {
        var sum: Float = 0
        for i in 0 ..< count { sum += x[i] * x[i] }
        let scale = 1 / (sum / Float(count) + eps).squareRoot()
        for i in 0 ..< count { y[i] = weight[i] * (x[i] * scale) }
    }

    /// LayerNorm over one row with affine weight and bias.
    static func layerNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          eps: Float, count: Int, into y: UnsafeMutablePointer<Float>) {
        var mean: Float = 0
        for i in 0 ..< count { mean += x[i] }
        mean /= Float(count)
        var variance: Float = 0
        for i in 0 ..< count { let d = x[i] - mean; variance += d * d }
        variance /= Float(count)
        let scale = 1 / (variance + eps).squareRoot()
        for i in 0 ..< count { y[i] = (x[i] - mean) * scale * weight[i] + bias[i] }
    }

    @inline(__always)
    static func silu(_ v: Float) -> Float { v / (1 + Foundation.exp(-v)) }

    /// `out[i] = silu(gate[i]) * up[i]`.
    static func swiglu(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0 ..< count { out[i] = silu(gate[i]) * up[i] }
    }

    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0 ..< count { y[i] += x[i] }
    }

    /// Exact GELU (erf form), as torch's default.
    @inline(__always)
    static func gelu(_ v: Float) -> Float { 0.5 * v * (1 + Foundation.erf(v * 0.70710678118654752)) }
}

/// Rotary position embedding in the NeoX layout (dimension i pairs with i + headDim/2), the
/// layout Qwen3 and the codec's transformer use. The talker's multimodal RoPE reduces to this
/// because all three of its position rows are equal for speech.
struct RotaryEmbedding: Sendable {
    let headDim: Int
    let inverseFrequencies: [Float]

    init(headDim: Int, theta: Float) {
        self.headDim = headDim
        let half = headDim / 2
        // Computed like the reference: 1 / theta^(2i/d) in fp32.
        inverseFrequencies = (0 ..< half).map { i in 1 / Foundation.pow(theta, Float(2 * i) / Float(headDim)) }
    }

    /// Rotates `heads` consecutive vectors of `headDim` floats at `position`.
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        let half = headDim / 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: headDim) { table in
            for i in 0 ..< half {
                let angle = Float(position) * inverseFrequencies[i]
                table[i] = Foundation.cos(angle)
                table[half + i] = Foundation.sin(angle)
            }
            for h in 0 ..< heads {
                let v = x + h * headDim
                for i in 0 ..< half {
                    let a = v[i], b = v[i + half]
                    let c = table[i], s = table[half + i]
                    v[i] = a * c - b * s
                    v[i + half] = b * c + a * s
                }
            }
        }
    }
}
