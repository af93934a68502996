import Glibc

/// Rotary position embedding in the NeoX ("rotate half") layout: within each head, element i of
/// the first half and element i of the second half of the rotated dimensions form a pair rotated
/// by angle position·θ^(−2i/rotaryDim). Dimensions beyond `rotaryDim` pass through.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    public let rotaryDim: Int
    public let theta: Double
    let inverseFrequencies: [Double]

    public init(headDim: Int, theta: Double = 10_000, rotaryDim: Int? = nil) {
        let r = rotaryDim ?? headDim
        precondition(r % 2 == 0 && r <= headDim, "rotary dimension must be even and at most the head size")
        self.headDim = headDim
        self.rotaryDim = r
        self.theta = theta
        inverseFrequencies = (0..<r / 2).map { Glibc.pow(theta, -2 * Double($0) / Double(r)) }
    }

    /// cos and sin tables `[T, rotaryDim/2]` for positions `positions`, computed once per step and
    /// shared by every layer's queries and keys.
    public struct Angles: Sendable {
        public let cos: Tensor
        public let sin: Tensor
        public var count: Int { cos.shape[0] }
    }

    /// Angles for consecutive positions (angles computed in double, then rounded).
    public func angles(positions: Range<Int>, workspace: Workspace? = nil) -> Angles {
        let half = rotaryDim / 2
        let shape: Shape = [positions.count, half]
        let c = workspace?.tensor(shape) ?? Tensor(zeros: shape)
        let s = workspace?.tensor(shape) ?? Tensor(zeros: shape)
        for (row, p) in positions.enumerated() {
            for i in 0..<half {
                let a = Double(p) * inverseFrequencies[i]
                c.pointer[row * half + i] = Float(Glibc.cos(a))
                s.pointer[row * half + i] = Float(Glibc.sin(a))
            }
        }
        return Angles(cos: c, sin: s)
    }

    /// Rotates `x` `[T, heads·headDim]` in place with `angles` (row t uses angle row t).
    public func apply(_ angles: Angles, to x: Tensor, heads: Int) {
        precondition(x.rank == 2 && x.shape[1] == heads * headDim && x.hasDenseRows,
                     "RoPE expects [T, \(heads)·\(headDim)] with dense rows, got \(x.shape)")
        precondition(angles.count == x.shape[0], "\(angles.count) angle rows for \(x.shape[0]) positions")
        let half = rotaryDim / 2
        withExtendedLifetime((x, angles)) {
            let rows = x.shape[0], stride = x.rowStride
            for t in 0..<rows {
                let cs = angles.cos.pointer + t * half, sn = angles.sin.pointer + t * half
                for h in 0..<heads {
                    let a = x.pointer + t * stride + h * headDim
                    let b = a + half
                    for i in 0..<half {
                        let x1 = a[i], x2 = b[i]
                        a[i] = x1 * cs[i] - x2 * sn[i]
                        b[i] = x2 * cs[i] + x1 * sn[i]
                    }
                }
            }
        }
    }
}
