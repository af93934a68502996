import CKernels
import SottoKernels
import Testing

/// ByteLinear is DynamicQuantizeLinear then MatMulInteger, Cast, Mul by the product of the
/// scales and Add the bias, computed here in exact integers and the same float operations: the
/// outputs must agree bit for bit.
struct ByteLinearTests {
    static let vnni = sotto_linear_q8_path(Int32(SOTTO_PATH_AVX512.rawValue)) >= 0

    struct Layer {
        let values: [Int8]
        let scales: [Float]
        let bias: Tensor
        let inFeatures: Int

        init(_ random: inout SeededRandom, out: Int, in inFeatures: Int) {
            values = (0..<(out * inFeatures)).map { _ in Int8(clamping: Int(random.uniform(-128, 128).rounded(.down))) }
            scales = random.floats(out, 0.001, 0.01)
            bias = Tensor(shape: [out], values: random.floats(out, -0.5, 0.5))
            self.inFeatures = inFeatures
        }

        var out: Int { scales.count }

        func byteLinear() -> ByteLinear? {
            values.withUnsafeBufferPointer {
                ByteLinear(values: $0, scales: scales, bias: bias, inFeatures: inFeatures, path: Int32(SOTTO_PATH_AVX512.rawValue))
            }
        }

        /// The exported graph's arithmetic on rows of `x` (`[rows, in]`, given as arrays).
        func reference(_ rows: [[Float]]) -> [Float] {
            let all = rows.flatMap { $0 }
            let low = min(0, all.min()!), high = max(0, all.max()!)
            let scale = (high - low) / 255
            guard scale > 0 else { return rows.flatMap { _ in bias.toArray() } }
            let inverse = 1 / scale
            let zero = Int(min(255, max(0, (-low / scale).rounded(.toNearestOrEven))))
            let b = bias.toArray()
            return rows.flatMap { row -> [Float] in
                let q = row.map { Int(min(255, max(0, ($0 * inverse).rounded(.toNearestOrEven) + Float(zero)))) }
                return (0..<out).map { o in
                    var sum = 0
                    for i in 0..<inFeatures { sum += (q[i] - zero) * Int(values[o * inFeatures + i]) }
                    return Float(sum) * (scale * scales[o]) + b[o]
                }
            }
        }
    }

    /// Shapes off every tile edge (inputs not a multiple of 4, outputs not of 16 or 48, rows not
    /// of 8), ALBERT's, one row, rows strided inside a wider tensor, inputs of both signs and of one.
    @Test(.enabled(if: ByteLinearTests.vnni, "needs AVX-512 VNNI at the avx512 tier"),
          arguments: [(1, 7, 5, -1.0, 1.0), (13, 70, 35, -2.0, 3.0), (8, 64, 48, 0.5, 4.0),
                      (37, 768, 768, -6.0, -1.0), (20, 2048, 100, -1.0, 1.0)])
    func matchesTheExportedGraphBitForBit(_ rows: Int, _ inFeatures: Int, _ out: Int, _ low: Double, _ high: Double) throws {
        var random = SeededRandom(seed: UInt64(rows * 1000 + out))
        let layer = Layer(&random, out: out, in: inFeatures)
        let linear = try #require(layer.byteLinear())
        let rowValues = (0..<rows).map { _ in random.floats(inFeatures, low, high) }
        // Rows 5 columns apart inside a wider tensor.
        let wide = Tensor(shape: [rows, inFeatures + 5], values: rowValues.flatMap { $0 + [9, -9, 9, -9, 9] })
        let x = wide.sliced(axis: 1, 0..<inFeatures)
        let y = Tensor(zeros: [rows, out])
        linear.apply(x, into: y, workspace: Workspace())
        #expect(y.toArray() == layer.reference(rowValues))
        if rows == 1 {
            let vector = Tensor(zeros: [out])
            linear.apply(Tensor(shape: [inFeatures], values: rowValues[0]), into: vector, workspace: Workspace())
            #expect(vector.toArray() == layer.reference(rowValues))
        }
    }

    /// A zero input is the bias alone; the weights read back as stored.
    @Test(.enabled(if: ByteLinearTests.vnni, "needs AVX-512 VNNI at the avx512 tier"))
    func zeroInputAndWeightsReadBack() throws {
        var random = SeededRandom(seed: 3)
        let layer = Layer(&random, out: 21, in: 10)
        let linear = try #require(layer.byteLinear())
        let y = Tensor(zeros: [3, 21])
        linear.apply(Tensor(zeros: [3, 10]), into: y, workspace: Workspace())
        #expect(y.toArray() == Array((0..<3).map { _ in layer.bias.toArray() }.joined()))
        let weight = Tensor(zeros: [21, 10])
        linear.dequantize(into: weight)
        #expect(weight.toArray() == (0..<210).map { Float(layer.values[$0]) * layer.scales[$0 / 10] })
    }

    /// Below AVX-512 the kernel does not exist: no layer is made, so callers keep float weights.
    @Test func noLayerBelowAVX512() {
        var random = SeededRandom(seed: 4)
        let layer = Layer(&random, out: 4, in: 4)
        let made = layer.values.withUnsafeBufferPointer {
            ByteLinear(values: $0, scales: layer.scales, bias: nil, inFeatures: 4, path: Int32(SOTTO_PATH_AVX2.rawValue))
        }
        #expect(made == nil)
    }
}
