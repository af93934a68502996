import SottoKernels
import Testing

@Suite struct Int8MatrixRowsTests {
    /// Row counts around the kernel's pairs of weight rows, 8-row panel blocks and eight input
    /// rows, columns around its 64-byte chunks; 517×1100 is split across threads.
    @Test(arguments: [(37, 13, 1), (64, 192, 8), (9, 4099, 11), (2, 64, 25), (33, 130, 17), (517, 1100, 3)])
    func everyRowEqualsItsOwnVectorProduct(rows: Int, cols: Int, count: Int) {
        var rng = SeededRandom(seed: UInt64(rows * 31 + cols * 7 + count))
        let m = Int8Matrix(quantizing: rng.tensor([rows, cols], -2, 2))
        // Input rows of different magnitudes, as strided views into a wider buffer.
        let wide = rng.tensor([count, cols + 5], -3, 3)
        for t in 0..<count {
            for c in 0..<cols + 5 { wide[t, c] *= Float(t % 4 + 1) }
        }
        let x = wide.sliced(axis: 1, 2..<cols + 2)
        // Reference: each row quantised like the vector path, exact integer dot products.
        let values = m.rowMajorValues()
        var reference: [Double] = []
        for t in 0..<count {
            let row = (0..<cols).map { x[t, $0] }
            let scale = row.map { abs($0) }.max()! / 127
            let q = row.map { Int(max(-127, min(127, ($0 / scale).rounded(.toNearestOrEven)))) }
            for r in 0..<rows {
                let dot = (0..<cols).reduce(0) { $0 + Int(values[r * cols + $1]) * q[$1] }
                reference.append(Double(m.scales[r] * scale * Float(dot)))
            }
        }
        for path in QuantizedTests.paths {
            let out = Tensor(repeating: .nan, shape: [count, rows + 3])
            m.multiply(quantizingRows: x, into: out.sliced(axis: 1, 1..<rows + 1), path: path)
            let y = out.sliced(axis: 1, 1..<rows + 1).contiguous().toArray()
            expectClose(y, reference, tolerance: { 2.5e-7 * abs(reference[$0]) }, "int8 rows \(path) T \(count)")
            #expect(out.sliced(axis: 1, 0..<1).toArray().allSatisfy { $0.isNaN }, "column before the output untouched")
        }
    }
}
