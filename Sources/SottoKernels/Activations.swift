/// Pointwise nonlinearities. Every case runs vectorised over a buffer, in place (`y == x`) or
/// out of place; the tensor forms accept any view (dense views take the fast path).
public enum Activation: Sendable, Equatable {
    case relu
    case leakyReLU(slope: Float)
    /// 0.5·x·(1 + erf(x/√2)).
    case gelu
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as in `gelu_new` / FastGelu.
    case geluTanh
    /// x·sigmoid(x).
    case silu
    case sigmoid
    case tanh
    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^-|x|).
    case softplus

    public func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu:
            for i in 0..<count { y[i] = max(x[i], 0) }
        case .leakyReLU(let slope):
            for i in 0..<count {
                let v = x[i]
                y[i] = v < 0 ? v * slope : v
            }
        case .gelu:
            FastMath.map(x, y, count: count, GELU())
        case .geluTanh:
            FastMath.map(x, y, count: count, GELUTanh())
        case .silu:
            FastMath.map(x, y, count: count, SiLU())
        case .sigmoid:
            FastMath.map(x, y, count: count, FastMath.Logistic())
        case .tanh:
            FastMath.map(x, y, count: count, FastMath.HyperbolicTangent())
        case .softplus:
            FastMath.map(x, y, count: count, Softplus())
        }
    }

    /// Applies the function in place to every element of `x`.
    public func apply(inPlace x: Tensor) {
        apply(x, into: x)
    }

    /// Writes f(x) into `y` (same shape; may be the same view as `x`).
    public func apply(_ x: Tensor, into y: Tensor) {
        forEachDenseRun(x, y) { src, dst, n in apply(src, into: dst, count: n) }
    }

    /// f(x) in a new tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor(x.shape)
        apply(x, into: y)
        return y
    }
}

/// Calls `body` on matching dense runs of `x` and `y` (the whole buffer when both are dense,
/// else row by row for 2-D views with dense rows, else via dense copies).
func forEachDenseRun(_ x: Tensor, _ y: Tensor,
                     _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
    precondition(x.shape == y.shape, "shapes differ: \(x.shape) vs \(y.shape)")
    if x.isContiguous && y.isContiguous {
        withExtendedLifetime((x, y)) { body(x.pointer, y.pointer, x.count) }
    } else if x.rank == 2 && x.hasDenseRows && y.hasDenseRows {
        let n = x.shape[1]
        withExtendedLifetime((x, y)) {
            for r in 0..<x.shape[0] {
                body(x.pointer + r * x.strides[0], y.pointer + r * y.strides[0], n)
            }
        }
    } else {
        let dense = x.contiguous()
        let out = Tensor(zeros: x.shape)
        body(dense.pointer, out.pointer, dense.count)
        y.copy(from: out)
    }
}

/// Snake activations of BigVGAN / iSTFTNet on `[channels, time]` tensors, with one α (and β) per
/// channel.
public enum Snake {
    /// y = x + (1/α[c])·sin²(α[c]·x).
    public static func apply(_ x: Tensor, alpha: Tensor, into y: Tensor) {
        let a = alpha.contiguous()
        withExtendedLifetime(a) {
            let ap = a.pointer
            applyPerChannel(x, y, channels: a.count) { c in (ap[c], 1 / ap[c]) }
        }
    }

    /// SnakeBeta: y = x + 1/(β[c] + 1e-9)·sin²(α[c]·x), with α and β already exponentiated.
    public static func applyBeta(_ x: Tensor, alpha: Tensor, beta: Tensor, into y: Tensor) {
        let a = alpha.contiguous(), b = beta.contiguous()
        precondition(a.count == b.count, "alpha and beta differ in length")
        withExtendedLifetime((a, b)) {
            let ap = a.pointer, bp = b.pointer
            applyPerChannel(x, y, channels: a.count) { c in (ap[c], 1 / (bp[c] + 1e-9)) }
        }
    }

    /// Per channel c, `coefficients(c)` gives (α, scale) for y = x + scale·sin²(α·x).
    private static func applyPerChannel(_ x: Tensor, _ y: Tensor, channels: Int, _ coefficients: (Int) -> (Float, Float)) {
        precondition(x.rank == 2 && x.shape[0] == channels, "Snake needs [channels, time] with \(channels) channels, got \(x.shape)")
        precondition(x.shape == y.shape, "shapes differ: \(x.shape) vs \(y.shape)")
        let xs = x.hasDenseRows ? x : x.contiguous()
        let ys = y.hasDenseRows ? y : Tensor(zeros: y.shape)
        let t = x.shape[1]
        withExtendedLifetime((xs, ys)) {
            let xp = xs.pointer, yp = ys.pointer
            let xStride = xs.strides[0], yStride = ys.strides[0]
            parallelFor(channels, minimumPerThread: max(1, 16384 / max(t, 1))) { range in
                for c in range {
                    let (alpha, scale) = coefficients(c)
                    FastMath.map(xp + c * xStride, yp + c * yStride, count: t, SnakeOperation(alpha: alpha, scale: scale))
                }
            }
        }
        if !y.hasDenseRows { y.copy(from: ys) }
    }
}

struct SnakeOperation: VectorOperation {
    let alpha: Float
    let scale: Float
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let s = FastMath.sin(v * alpha)
        return v.addingProduct(s * s, scale)
    }
}

struct GELU: VectorOperation {
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        0.5 * v * (1 + FastMath.erf(v * 0.70710678118654752))
    }
}

struct GELUTanh: VectorOperation {
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let inner = 0.79788456080286536 * v.addingProduct(v * v * v, 0.044715)
        return 0.5 * v * (1 + FastMath.tanh(inner))
    }
}

struct SiLU: VectorOperation {
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { v / (1 + FastMath.exp(-v)) }
}

/// max(x, 0) + log1p(e^−|x|), with log1p(u) = log(w)·u/(w − 1), w = 1 + u, which keeps relative
/// accuracy for tiny u.
struct Softplus: VectorOperation {
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let u = FastMath.exp(-FastMath.magnitude(v))
        let w = 1 + u
        let log1p = FastMath.pick(w .== 1, u, FastMath.log(w) * u / (w - 1))
        return pointwiseMax(v, .zero) + log1p
    }
}
