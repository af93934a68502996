import SottoKernels
import Testing

@Suite struct QuantizedTests {
    static let paths: [KernelPath] = [.scalar, .avx2, .avx512, .best]

    /// Shapes around the 8-row blocks and 64-column chunks of the panels; 1001×1030 is large
    /// enough to be split across threads (at a block boundary) and ends in a partial block.
    @Test(arguments: [(37, 13), (64, 192), (9, 4099), (1, 1), (1001, 1030)])
    func int8GemvIsExactOnEveryPath(rows: Int, cols: Int) {
        var rng = SeededRandom(seed: UInt64(rows * cols))
        let w = rng.tensor([rows, cols], -2, 2)
        let m = Int8Matrix(quantizing: w)
        let x = rng.tensor([cols], -3, 3)
        // Reference: the same quantisation of x, exact integer dot products.
        var q = [Int8](repeating: 0, count: cols)
        let peak = x.toArray().map { abs($0) }.max()!
        let scale = peak / 127
        for i in 0..<cols { q[i] = Int8(max(-127, min(127, (x[i] / scale).rounded(.toNearestOrEven)))) }
        let values = m.rowMajorValues()
        var reference = [Double]()
        for r in 0..<rows {
            var dot = 0
            for c in 0..<cols { dot += Int(values[r * cols + c]) * Int(q[c]) }
            reference.append(Double(m.scales[r] * scale * Float(dot)))
        }
        for path in Self.paths {
            let y = Tensor(zeros: [rows])
            m.multiply(x, into: y, path: path)
            // The integer part is exact; only the final float scaling rounds (≤ 2 ulp).
            expectClose(y.toArray(), reference, tolerance: { 2.5e-7 * abs(reference[$0]) }, "int8 \(path)")
        }
        // Quantisation itself stays within half a step per element.
        let dq = m.dequantized()
        for r in 0..<rows {
            for c in 0..<cols { #expect(abs(dq[r, c] - w[r, c]) <= m.scales[r] * 0.5001) }
        }
    }

    @Test func int8HandlesTheFullSignedRangeIncludingMinus128() {
        let rows = 5, cols = 77
        var rng = SeededRandom(seed: 99)
        let values = (0..<rows * cols).map { _ in Int8(truncatingIfNeeded: Int(rng.nextUInt() % 256)) }
            .enumerated().map { $0.offset % 7 == 0 ? Int8.min : $0.element }
        let m = Int8Matrix(values: values, scales: [Float](repeating: 1, count: rows), rows: rows, cols: cols)
        var q = (0..<cols).map { _ in Int8(truncatingIfNeeded: Int(rng.nextUInt() % 255) - 127) }
        q[3] = -127
        q[4] = 127
        var reference = [Double]()
        for r in 0..<rows {
            reference.append(Double((0..<cols).reduce(0) { $0 + Int(values[r * cols + $1]) * Int(q[$1]) }))
        }
        for path in Self.paths {
            var y = [Float](repeating: 0, count: rows)
            q.withUnsafeBufferPointer { qp in
                y.withUnsafeMutableBufferPointer { yp in
                    m.multiply(quantized: qp.baseAddress!, scale: 1, into: yp.baseAddress!, path: path)
                }
            }
            #expect(y.map(Double.init) == reference, "int8 full range \(path)")
        }
    }

    @Test(arguments: [(37, 13), (64, 192), (9, 4099), (3, 8200), (1, 1)])
    func bf16GemvMatchesFloatReferenceOnEveryPath(rows: Int, cols: Int) {
        var rng = SeededRandom(seed: UInt64(rows + cols))
        let w = rng.tensor([rows, cols])
        let m = BFloat16Matrix(converting: w)
        let wq = m.dequantized()
        let x = rng.tensor([cols], -3, 3)
        var reference = [Double](), sums = [Double]()
        for r in 0..<rows {
            var s = 0.0, a = 0.0
            for c in 0..<cols {
                let t = Double(wq[r, c]) * Double(x[c])
                s += t
                a += abs(t)
            }
            reference.append(s)
            sums.append(a)
        }
        for path in Self.paths {
            let y = Tensor(zeros: [rows])
            m.multiply(x, into: y, path: path)
            // Products of bf16 weights and fp32 x are exact in every path; only the fp32
            // accumulation of `cols` terms rounds: bound n·u·Σ|terms|.
            expectClose(y.toArray(), reference, tolerance: { 6e-8 * Double(cols) * sums[$0] + 1e-30 }, "bf16 \(path)")
        }
        // Rounding to bf16 is within half an ulp (2^-9 relative).
        for i in 0..<rows * cols {
            let a = w.toArray()[i], b = wq.toArray()[i]
            #expect(abs(a - b) <= abs(a) * 0.00391)
        }
    }

    @Test func halfPrecisionConversions() {
        let values: [Float] = [0, -0.0, 1, -2.5, 65504, 1e-7, 3.14159, .infinity, -.infinity, 1.00390625, 1.01171875]
        var half = [UInt16](repeating: 0, count: values.count)
        var back = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            half.withUnsafeMutableBufferPointer { HalfPrecision.floatToFloat16(v.baseAddress!, $0.baseAddress!, count: v.count) }
        }
        half.withUnsafeBufferPointer { h in
            back.withUnsafeMutableBufferPointer { HalfPrecision.float16ToFloat(h.baseAddress!, $0.baseAddress!, count: h.count) }
        }
        for (v, b) in zip(values, back) { #expect(Float(Float16(v)) == b, "fp16 round trip of \(v)") }
        // 17 values exercise the 8-wide vector loop and the scalar tail.
        let many = (0..<17).map { Float($0) * 0.37 - 3 }
        let t = HalfPrecision.tensor(float16: many.map { Float16($0).bitPattern }, shape: [17])
        #expect(t.toArray() == many.map { Float(Float16($0)) })

        // bf16: ties to even, NaN preserved, exact widening.
        var bf = [UInt16](repeating: 0, count: 5)
        let bfIn: [Float] = [1.00390625, 1.01171875, .nan, -3.5, 1e38]
        bfIn.withUnsafeBufferPointer { v in
            bf.withUnsafeMutableBufferPointer { HalfPrecision.floatToBFloat16(v.baseAddress!, $0.baseAddress!, count: 5) }
        }
        #expect(bf[0] == 0x3F80)  // 1 + 2^-8 is a tie → even (1.0)
        #expect(bf[1] == 0x3F82)  // 1 + 3·2^-8 is a tie → even (1 + 2^-6)
        let widened = HalfPrecision.tensor(bfloat16: bf, shape: [5]).toArray()
        #expect(widened[2].isNaN && widened[3] == -3.5)
        #expect(abs(widened[4] / 1e38 - 1) < 0.004)
    }
}
