import CKernels
import SottoKernels
import Testing

@Suite struct DirectConvTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let cin, cout, k, dilation, t: Int
        let padding: Padding
        var testDescription: String { "\(cin)→\(cout) k\(k) d\(dilation) T\(t) \(padding.left)/\(padding.right)" }
    }

    /// Channel counts that are and are not multiples of the 8-row block, lengths shorter and
    /// longer than one register tile (48 / 24 columns) and than the 512-column cache tile.
    static let cases = [
        Case(cin: 1, cout: 3, k: 1, dilation: 1, t: 5, padding: .none),
        Case(cin: 7, cout: 13, k: 3, dilation: 2, t: 50, padding: .symmetric(2)),
        Case(cin: 32, cout: 32, k: 7, dilation: 12, t: 600, padding: .symmetric(36)),
        Case(cin: 20, cout: 40, k: 5, dilation: 1, t: 97, padding: Padding(left: 1, right: 3)),
        Case(cin: 64, cout: 24, k: 3, dilation: 1, t: 1030, padding: .symmetric(1)),
        Case(cin: 3, cout: 9, k: 4, dilation: 1, t: 17, padding: Padding(left: 2, right: 1, mode: .reflect)),
    ]

    /// Every path this CPU has, the portable one included.
    static var paths: [Int32] {
        [Int32(SOTTO_PATH_SCALAR.rawValue), Int32(SOTTO_PATH_AVX2.rawValue), Int32(SOTTO_PATH_AVX512.rawValue)]
            .filter { $0 <= DirectConv1d.bestPath }
    }

    @Test(arguments: cases)
    func matchesTheDefinition(_ c: Case) {
        var random = SeededRandom(seed: UInt64(c.cin * 131 + c.k * 7 + c.t))
        let weight = random.tensor([c.cout, c.cin, c.k])
        let bias = random.tensor([c.cout])
        let x = random.tensor([c.cin, c.t])
        let reference = referenceConv1d(x: x, weight: weight, bias: bias, stride: 1, padding: c.padding,
                                        dilation: c.dilation, groups: 1)
        for path in Self.paths {
            var conv = DirectConv1d(weight: weight, bias: bias, padding: c.padding, dilation: c.dilation)
            conv.path = path
            #expect(conv.outputLength(inputLength: c.t) == reference.length)
            let y = conv(x, workspace: Workspace())
            expectClose(y.toArray(), reference.values, tolerance: { dotTolerance(reference.absSums[$0]) },
                        "\(c.testDescription) path \(path)")
        }
    }

    /// LeakyReLU on the input, a residual, accumulation and a divisor, as a residual block uses
    /// them: out = (out + conv(leaky(x)) + b + r) / 3.
    @Test func epilogue() {
        var random = SeededRandom(seed: 5)
        let c = Case(cin: 12, cout: 12, k: 5, dilation: 3, t: 130, padding: .symmetric(6))
        let weight = random.tensor([c.cout, c.cin, c.k]), bias = random.tensor([c.cout])
        let x = random.tensor([c.cin, c.t]), residual = random.tensor([c.cout, c.t]), start = random.tensor([c.cout, c.t])
        let activated = Tensor(shape: x.shape, values: x.toArray().map { $0 < 0 ? 0.1 * $0 : $0 })
        let reference = referenceConv1d(x: activated, weight: weight, bias: bias, stride: 1, padding: c.padding,
                                        dilation: c.dilation, groups: 1)
        let r = residual.toArray(), s = start.toArray()
        let expected = reference.values.indices.map { (Double(s[$0]) + reference.values[$0] + Double(r[$0])) / 3 }
        for path in Self.paths {
            var conv = DirectConv1d(weight: weight, bias: bias, padding: c.padding, dilation: c.dilation)
            conv.path = path
            let y = start.copied()
            conv.apply(x, activation: .leakyReLU(slope: 0.1), into: y, residual: residual, accumulate: true, divisor: 3,
                       workspace: Workspace())
            expectClose(y.toArray(), expected, tolerance: { dotTolerance(reference.absSums[$0] + Swift.abs(Double(r[$0]) + Double(s[$0]))) },
                        "epilogue path \(path)")
            // The residual may be the output itself when not accumulating.
            let z = residual.copied()
            conv.apply(x, activation: .leakyReLU(slope: 0.1), into: z, residual: z, workspace: Workspace())
            expectClose(z.toArray(), reference.values.indices.map { reference.values[$0] + Double(r[$0]) },
                        tolerance: { dotTolerance(reference.absSums[$0] + Swift.abs(Double(r[$0]))) }, "in place path \(path)")
        }
    }

    /// A LeakyReLU on the result, and the raw single-threaded entry on a hand-padded input.
    @Test func outputActivationAndStagedInput() {
        var random = SeededRandom(seed: 21)
        let weight = random.tensor([10, 6, 3]), bias = random.tensor([10]), x = random.tensor([6, 70])
        let reference = referenceConv1d(x: x, weight: weight, bias: bias, stride: 1, padding: .symmetric(2), dilation: 2, groups: 1)
        let activated = reference.values.map { $0 < 0 ? 0.2 * $0 : $0 }
        for path in Self.paths {
            var conv = DirectConv1d(weight: weight, bias: bias, padding: .symmetric(2), dilation: 2)
            conv.path = path
            let y = conv(x, workspace: Workspace())
            conv.apply(x, into: y, outputSlope: 0.2, workspace: Workspace())
            expectClose(y.toArray(), activated, tolerance: { dotTolerance(reference.absSums[$0]) }, "output slope path \(path)")
            // Padded by hand: 2 zeros, the signal, 2 zeros, in rows of 80.
            var padded = [Float](repeating: 0, count: 6 * 80)
            let values = x.toArray()
            for c in 0 ..< 6 { for t in 0 ..< 70 { padded[c * 80 + 2 + t] = values[c * 70 + t] } }
            var out = [Float](repeating: 0, count: 10 * 70)
            padded.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    conv.applyStaged(input.baseAddress!, inputStride: 80, count: 70, into: output.baseAddress!, outputStride: 70)
                }
            }
            expectClose(out, reference.values, tolerance: { dotTolerance(reference.absSums[$0]) }, "staged path \(path)")
        }
    }

    /// Strided views in and out: a slice of a wider buffer.
    @Test func stridedRows() {
        var random = SeededRandom(seed: 9)
        let weight = random.tensor([8, 4, 3]), bias = random.tensor([8])
        let wide = random.tensor([6, 40])
        let x = wide.sliced(axis: 0, 1 ..< 5).sliced(axis: 1, 3 ..< 33)
        let conv = DirectConv1d(weight: weight, bias: bias, padding: .symmetric(1))
        let out = Tensor(zeros: [10, 50])
        let y = out.sliced(axis: 0, 1 ..< 9).sliced(axis: 1, 5 ..< 35)
        conv.apply(x, into: y, workspace: Workspace())
        let reference = referenceConv1d(x: x.contiguous(), weight: weight, bias: bias, stride: 1, padding: .symmetric(1),
                                        dilation: 1, groups: 1)
        expectClose(y.contiguous().toArray(), reference.values, tolerance: { dotTolerance(reference.absSums[$0]) }, "strided")
        #expect(out.sliced(axis: 0, 0 ..< 1).toArray().allSatisfy { $0 == 0 })
        #expect(out.sliced(axis: 1, 0 ..< 5).toArray().allSatisfy { $0 == 0 })
    }
}
