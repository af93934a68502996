import CKernels
import Foundation
import SottoKernels
import Testing

@Suite struct FastMathTests {
    /// Runs a buffer function over `inputs`.
    static func run(_ inputs: [Float], _ f: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        var out = [Float](repeating: .nan, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { y in f(x.baseAddress!, y.baseAddress!, inputs.count) } }
        return out
    }

    /// Dense sweep plus random points over ±limit (odd count to exercise the tail).
    static func sweep(limit: Double, count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        let grid = (0..<count).map { Float(-limit + 2 * limit * Double($0) / Double(count - 1)) }
        return grid + rng.floats(count + 3, -limit, limit)
    }

    @Test(arguments: [1.0, 100.0, 1e4, 1e6])
    func sinAndCosAbsoluteErrorBelow2e7(limit: Double) {
        let x = Self.sweep(limit: limit, count: 200_001, seed: UInt64(limit))
        let s = Self.run(x) { FastMath.sin($0, into: $1, count: $2) }
        let c = Self.run(x) { FastMath.cos($0, into: $1, count: $2) }
        // Reference: double libm on the exact float input.
        expectClose(s, x.map { Foundation.sin(Double($0)) }, tolerance: { _ in 2e-7 }, "sin |x| ≤ \(limit)")
        expectClose(c, x.map { Foundation.cos(Double($0)) }, tolerance: { _ in 2e-7 }, "cos |x| ≤ \(limit)")
    }

    @Test func sinCosSpecialAndHugeValues() {
        let x: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 1e7, -3.4e38, 1.7e38, .leastNonzeroMagnitude, 1e-30,
                          Float.pi, 1e6 + 0.5]
        let s = Self.run(x) { FastMath.sin($0, into: $1, count: $2) }
        let c = Self.run(x) { FastMath.cos($0, into: $1, count: $2) }
        #expect(s[2].isNaN && s[3].isNaN && s[4].isNaN && c[2].isNaN && c[3].isNaN && c[4].isNaN)
        #expect(s[0] == 0 && c[0] == 1 && c[1] == 1)
        for i in [5, 6, 7, 8, 9, 10, 11] {
            #expect(abs(Double(s[i]) - Foundation.sin(Double(x[i]))) < 2e-7, "sin(\(x[i]))")
            #expect(abs(Double(c[i]) - Foundation.cos(Double(x[i]))) < 2e-7, "cos(\(x[i]))")
        }
    }

    @Test func expRelativeErrorBelow2e7OverTheFloatRange() {
        let x = Self.sweep(limit: 88, count: 400_001, seed: 3) + Self.sweep(limit: 1, count: 10_001, seed: 4)
        let y = Self.run(x) { FastMath.exp($0, into: $1, count: $2) }
        let reference = x.map { Foundation.exp(Double($0)) }
        expectClose(y, reference, tolerance: { 2e-7 * reference[$0] }, "exp relative")
    }

    @Test func expEdges() {
        let x: [Float] = [89, 88.72, 100, .infinity, -.infinity, .nan, -87.3, -100, -104, -200, 0, -0.0]
        let y = Self.run(x) { FastMath.exp($0, into: $1, count: $2) }
        #expect(y[0] == .infinity && y[2] == .infinity && y[3] == .infinity)
        #expect(abs(Double(y[1]) / Foundation.exp(Double(Float(88.72))) - 1) < 2e-7)
        #expect(y[4] == 0 && y[5].isNaN)
        #expect(abs(Double(y[6]) / Foundation.exp(Double(Float(-87.3))) - 1) < 2e-7)
        // Subnormal results: absolute error within one subnormal step.
        #expect(abs(Double(y[7]) - Foundation.exp(-100)) <= Double(Float.leastNonzeroMagnitude))
        #expect(abs(Double(y[8]) - Foundation.exp(-104)) <= Double(Float.leastNonzeroMagnitude))
        #expect(y[9] == 0 && y[10] == 1 && y[11] == 1)
    }

    @Test func logRelativeErrorAndEdges() {
        var rng = SeededRandom(seed: 5)
        var x: [Float] = [1, 2, 0.5, 1.0000001, 0.99999994]
        for _ in 0..<200_001 { x.append(Float(Foundation.pow(2.0, rng.uniform(-149, 127.9)))) }
        let y = Self.run(x) { FastMath.log($0, into: $1, count: $2) }
        let reference = x.map { Foundation.log(Double($0)) }
        // Near x = 1 the result is tiny: bound relative to max(|log x|, |x − 1|).
        let tolerance: (Int) -> Double = { i in
            let magnitude = abs(reference[i])
            let distance = abs(Double(x[i]) - 1)
            return 2e-7 * magnitude + 1.2e-7 * distance + 1e-12
        }
        expectClose(y, reference, tolerance: tolerance, "log")
        let e = Self.run([0, -1, .nan, .infinity]) { FastMath.log($0, into: $1, count: $2) }
        #expect(e[0] == -.infinity && e[1].isNaN && e[2].isNaN && e[3] == .infinity)
    }

    @Test func tanhSigmoidErfAbsoluteError() {
        let x = Self.sweep(limit: 12, count: 100_001, seed: 6) + [0, -0.0, 1e-8, -1e-8, 40, -40]
        let th = Self.run(x) { FastMath.tanh($0, into: $1, count: $2) }
        let sg = Self.run(x) { FastMath.sigmoid($0, into: $1, count: $2) }
        let er = Self.run(x) { FastMath.erf($0, into: $1, count: $2) }
        let rtanh = x.map { Foundation.tanh(Double($0)) }
        // tanh is also relative-accurate near zero.
        expectClose(th, rtanh, tolerance: { 2e-7 * max(abs(rtanh[$0]), 1e-3) + 1e-37 }, "tanh")
        expectClose(sg, x.map { 1 / (1 + Foundation.exp(-Double($0))) }, tolerance: { _ in 2e-7 }, "sigmoid")
        expectClose(er, x.map { Foundation.erf(Double($0)) }, tolerance: { _ in 2e-7 }, "erf")
        let nan = Self.run([.nan, .infinity, -.infinity]) { FastMath.tanh($0, into: $1, count: $2) }
        #expect(nan[0].isNaN && nan[1] == 1 && nan[2] == -1)
    }

    static func referenceActivation(_ a: Activation, _ x: Double) -> Double {
        switch a {
        case .relu: return max(x, 0)
        case .leakyReLU(let s): return x < 0 ? x * Double(s) : x
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
        case .geluTanh: return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .silu: return x / (1 + Foundation.exp(-x))
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .softplus: return max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
        }
    }

    @Test(arguments: [Activation.relu, .leakyReLU(slope: 0.1), .gelu, .geluTanh, .silu, .sigmoid, .tanh, .softplus])
    func activationsMatchLibmInAndOutOfPlace(_ activation: Activation) {
        let x = Self.sweep(limit: 30, count: 20_001, seed: 7)
        let reference = x.map { Self.referenceActivation(activation, Double($0)) }
        let t = Tensor(shape: [x.count], values: x)
        let out = activation(t, workspace: Workspace())
        // Functions of O(x) magnitude: the approximations' 2e-7 errors scale with |x| (≤ 30).
        let tol: (Int) -> Double = { 4e-7 * max(1, abs(Double(x[$0]))) }
        expectClose(out.toArray(), reference, tolerance: tol, "\(activation)")
        activation.apply(inPlace: t)
        expectClose(t.toArray(), reference, tolerance: tol, "\(activation) in place")
        // Softplus keeps relative accuracy far into the negative tail.
        if activation == .softplus {
            let tail = Tensor(shape: [3], values: [-30, -50, -80])
            activation.apply(inPlace: tail)
            for (v, x) in zip(tail.toArray(), [-30.0, -50, -80]) {
                #expect(abs(Double(v) / Foundation.exp(x) - 1) < 1e-6)
            }
        }
    }

    @Test func activationOnStridedView() {
        var rng = SeededRandom(seed: 8)
        let base = rng.tensor([7, 11], -3, 3)
        let original = base.copied()
        let view = base.sliced(axis: 1, 2..<9)
        Activation.relu.apply(inPlace: view)
        for i in 0..<7 {
            for j in 0..<11 {
                #expect(base[i, j] == ((2..<9).contains(j) ? max(original[i, j], 0) : original[i, j]))
            }
        }
    }

    @Test func snakeAndSnakeBetaPerChannel() {
        var rng = SeededRandom(seed: 9)
        let c = 13, t = 37
        let x = rng.tensor([c, t], -20, 20)
        let alpha = rng.tensor([c], 0.2, 3), beta = rng.tensor([c], 0.2, 3)
        let y = Tensor(zeros: [c, t]), yb = Tensor(zeros: [c, t])
        Snake.apply(x, alpha: alpha, into: y)
        Snake.applyBeta(x, alpha: alpha, beta: beta, into: yb)
        var r = [Double](), rb = [Double]()
        for ch in 0..<c {
            for s in 0..<t {
                let v = Double(x[ch, s]), a = Double(alpha[ch])
                let sin2 = Foundation.pow(Foundation.sin(a * v), 2)
                r.append(v + sin2 / a)
                rb.append(v + sin2 / (Double(beta[ch]) + 1e-9))
            }
        }
        // x up to 20 (ulp ~2e-6) plus sin² error ≤ 4e-7 scaled by 1/α ≤ 5.
        expectClose(y.toArray(), r, tolerance: { _ in 5e-6 }, "Snake")
        expectClose(yb.toArray(), rb, tolerance: { _ in 5e-6 }, "SnakeBeta")
    }

    /// The 16-lane C kernel behind ChannelSnake on AVX-512 gives exactly what FastMath's 8-lane
    /// Swift code gives (same reduction, polynomials, operation order and fused multiply-adds),
    /// for every row length's tail, negative scales, and arguments beyond the fast range,
    /// infinite or NaN (libm lanes).
    @Test(.enabled(if: sotto_snake_available() != 0, "needs the avx512 tier"))
    func wideSnakeKernelIsTheSwiftOneBitForBit() {
        var rng = SeededRandom(seed: 12)
        var x = rng.floats(203, -30, 30)
        x[5] = 3e6
        x[17] = .infinity
        x[18] = -.infinity
        x[40] = .nan
        x[41] = -2e7
        for (scale, shift, slope) in [(Float(1.3), Float(-0.2), Float(0.7)), (-0.8, 0.5, 2.9), (1, 0, 1)] {
            let inverse = 1 / slope
            for n in [1, 8, 15, 16, 17, 64, 203] {
                var wide = [Float](repeating: 0, count: n)
                x.withUnsafeBufferPointer { sotto_snake_row($0.baseAddress!, &wide, Int32(n), scale, shift, slope, inverse) }
                for i in 0..<n {
                    var lanes = FastMath.Vector(repeating: 0)
                    let z = x[i] * scale + shift
                    lanes[0] = z * slope
                    let sine = FastMath.sin(lanes)[0]
                    let expected = z.addingProduct(sine * sine, inverse)
                    #expect(wide[i].bitPattern == expected.bitPattern || (wide[i].isNaN && expected.isNaN),
                            "x \(x[i]) n \(n): \(wide[i]) against \(expected)")
                }
            }
        }
    }

    @Test func elementwiseAndBroadcast() {
        var rng = SeededRandom(seed: 10)
        let a = rng.tensor([13, 37]), b = rng.tensor([13, 37])
        let sum = Tensor(zeros: [13, 37]), product = Tensor(zeros: [13, 37])
        Elementwise.add(a, b, into: sum)
        Elementwise.multiply(a, b, into: product)
        #expect(sum.toArray() == zip(a.toArray(), b.toArray()).map { $0 + $1 })
        #expect(product.toArray() == zip(a.toArray(), b.toArray()).map { $0 * $1 })
        let perChannel = rng.tensor([13]), perFeature = rng.tensor([37])
        let y = Tensor(zeros: [13, 37])
        Elementwise.broadcastAffine(a, scale: nil, shift: perChannel, perRow: true, into: y)
        #expect(y[4, 20] == a[4, 20] + perChannel[4])
        Elementwise.broadcastAffine(a, scale: perFeature, shift: perFeature, perRow: false, into: y)
        #expect(y[4, 20] == a[4, 20] * perFeature[20] + perFeature[20])
        Elementwise.addScaled(a, alpha: 2, into: b)
        #expect(abs(b[3, 3] - (sum[3, 3] - a[3, 3] + 2 * a[3, 3])) < 1e-6)
    }

    @Test func softmaxRowsWithValidRange() {
        var row: [Float] = [1, 2, 3, 4, 5]
        row.withUnsafeMutableBufferPointer { Softmax.row($0.baseAddress!, count: 5, validRange: 1..<4) }
        let e = [2.0, 3, 4].map { Foundation.exp($0) }
        let total = e.reduce(0, +)
        #expect(row[0] == 0 && row[4] == 0)
        for i in 0..<3 { #expect(abs(Double(row[i + 1]) - e[i] / total) < 1e-7) }
        var masked: [Float] = [-.infinity, -.infinity]
        masked.withUnsafeMutableBufferPointer { Softmax.row($0.baseAddress!, count: 2) }
        #expect(masked == [0, 0])
    }
}

@Suite struct GateTests {
    @Test func tanhSigmoidGateOnChannelHalves() {
        var rng = SeededRandom(seed: 60)
        let c = 13, t = 37
        let x = rng.tensor([2 * c, t], -6, 6)
        let y = Tensor(zeros: [c, t])
        Gates.tanhSigmoid(x.sliced(axis: 0, 0..<c), x.sliced(axis: 0, c..<2 * c), into: y)
        var reference = [Double]()
        for ch in 0..<c {
            for s in 0..<t {
                reference.append(Foundation.tanh(Double(x[ch, s])) / (1 + Foundation.exp(-Double(x[c + ch, s]))))
            }
        }
        // Product of two values each within 2e-7 of the truth and bounded by 1.
        expectClose(y.toArray(), reference, tolerance: { _ in 5e-7 }, "tanh·sigmoid")
    }

    @Test func swiGLU() {
        var rng = SeededRandom(seed: 61)
        let gate = rng.tensor([5, 37], -8, 8), up = rng.tensor([5, 37], -2, 2)
        let y = Tensor(zeros: [5, 37])
        Gates.swiGLU(gate: gate, up: up, into: y)
        let reference = zip(gate.toArray(), up.toArray()).map { g, u in
            Double(g) / (1 + Foundation.exp(-Double(g))) * Double(u)
        }
        // |silu(g)| ≤ 8 with relative error ~3e-7, times |up| ≤ 2.
        expectClose(y.toArray(), reference, tolerance: { _ in 1e-5 }, "SwiGLU")
    }
}
