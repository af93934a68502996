import SottoKernels
import Testing

/// Straightforward double-precision convolution in PyTorch's definition.
func referenceConv1d(x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding, dilation: Int,
                     groups: Int) -> (values: [Double], absSums: [Double], length: Int) {
    let cin = x.shape[0], t = x.shape[1]
    let cout = weight.shape[0], inPerGroup = weight.shape[1], k = weight.shape[2]
    let outPerGroup = cout / groups
    func sample(_ c: Int, _ i: Int) -> Double {
        let j = i - padding.left
        if j >= 0 && j < t { return Double(x[c, j]) }
        switch padding.mode {
        case .zeros: return 0
        case .reflect: return Double(x[c, j < 0 ? -j : 2 * (t - 1) - j])
        case .replicate: return Double(x[c, j < 0 ? 0 : t - 1])
        }
    }
    let padded = t + padding.left + padding.right
    let length = (padded - dilation * (k - 1) - 1) / stride + 1
    var values = [Double](), sums = [Double]()
    for o in 0..<cout {
        let g = o / outPerGroup
        for s in 0..<length {
            var acc = bias.map { Double($0[o]) } ?? 0
            var abs = Swift.abs(acc)
            for i in 0..<inPerGroup {
                for j in 0..<k {
                    let term = Double(weight[o, i, j]) * sample(g * inPerGroup + i, s * stride + j * dilation)
                    acc += term
                    abs += Swift.abs(term)
                }
            }
            values.append(acc)
            sums.append(abs)
        }
    }
    _ = cin
    return (values, sums, length)
}

/// Double-precision transposed convolution by its definition (scatter of every input sample).
func referenceConvTranspose1d(x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
                              outputPadding: Int, dilation: Int, groups: Int) -> (values: [Double], absSums: [Double]) {
    let cin = x.shape[0], t = x.shape[1]
    let outPerGroup = weight.shape[1], k = weight.shape[2]
    let inPerGroup = cin / groups
    let cout = outPerGroup * groups
    let length = (t - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1
    var values = [Double](repeating: 0, count: cout * length)
    var sums = [Double](repeating: 0, count: cout * length)
    for c in 0..<cin {
        let g = c / inPerGroup
        for o in 0..<outPerGroup {
            for s in 0..<t {
                for j in 0..<k {
                    let u = s * stride + j * dilation - padding
                    if u < 0 || u >= length { continue }
                    let term = Double(x[c, s]) * Double(weight[c, o, j])
                    values[(g * outPerGroup + o) * length + u] += term
                    sums[(g * outPerGroup + o) * length + u] += abs(term)
                }
            }
        }
    }
    if let bias {
        for o in 0..<cout {
            for u in 0..<length {
                values[o * length + u] += Double(bias[o])
                sums[o * length + u] += abs(Double(bias[o]))
            }
        }
    }
    return (values, sums)
}

struct ConvCase: Sendable, CustomStringConvertible {
    var cin: Int, cout: Int, k: Int, stride: Int, dilation: Int, groups: Int
    var left: Int, right: Int, mode: Padding.Mode, t: Int, bias: Bool
    var description: String {
        "cin \(cin) cout \(cout) k \(k) s \(stride) d \(dilation) g \(groups) pad \(left)/\(right) \(mode) T \(t)"
    }
}

let convCases: [ConvCase] = [
    ConvCase(cin: 13, cout: 11, k: 7, stride: 1, dilation: 3, groups: 1, left: 9, right: 9, mode: .zeros, t: 37, bias: true),
    ConvCase(cin: 13, cout: 11, k: 7, stride: 1, dilation: 3, groups: 1, left: 18, right: 0, mode: .zeros, t: 37, bias: false),
    ConvCase(cin: 12, cout: 9, k: 5, stride: 2, dilation: 1, groups: 3, left: 2, right: 3, mode: .zeros, t: 37, bias: true),
    ConvCase(cin: 13, cout: 13, k: 7, stride: 1, dilation: 3, groups: 13, left: 9, right: 9, mode: .zeros, t: 37, bias: true),
    ConvCase(cin: 13, cout: 13, k: 3, stride: 2, dilation: 1, groups: 13, left: 1, right: 0, mode: .zeros, t: 37, bias: false),
    ConvCase(cin: 13, cout: 26, k: 3, stride: 1, dilation: 1, groups: 13, left: 1, right: 1, mode: .zeros, t: 37, bias: true),
    ConvCase(cin: 7, cout: 5, k: 11, stride: 1, dilation: 5, groups: 1, left: 25, right: 25, mode: .zeros, t: 61, bias: true),
    ConvCase(cin: 22, cout: 16, k: 12, stride: 6, dilation: 1, groups: 1, left: 3, right: 3, mode: .zeros, t: 97, bias: true),
    ConvCase(cin: 13, cout: 11, k: 1, stride: 1, dilation: 1, groups: 1, left: 0, right: 0, mode: .zeros, t: 37, bias: true),
    ConvCase(cin: 13, cout: 11, k: 1, stride: 3, dilation: 1, groups: 1, left: 0, right: 0, mode: .zeros, t: 37, bias: false),
    ConvCase(cin: 6, cout: 10, k: 5, stride: 1, dilation: 2, groups: 1, left: 4, right: 3, mode: .reflect, t: 37, bias: true),
    ConvCase(cin: 6, cout: 6, k: 5, stride: 1, dilation: 2, groups: 6, left: 4, right: 3, mode: .reflect, t: 37, bias: true),
    ConvCase(cin: 5, cout: 4, k: 4, stride: 10, dilation: 1, groups: 1, left: 2, right: 7, mode: .replicate, t: 53, bias: true),
    ConvCase(cin: 1, cout: 1, k: 3, stride: 2, dilation: 1, groups: 1, left: 1, right: 1, mode: .zeros, t: 37, bias: true),
]

@Suite struct ConvTests {
    @Test(arguments: convCases)
    func conv1dMatchesReference(_ c: ConvCase) {
        var rng = SeededRandom(seed: UInt64(c.cin * 1000 + c.k * 10 + c.groups))
        let w = rng.tensor([c.cout, c.cin / c.groups, c.k])
        let b = c.bias ? rng.tensor([c.cout]) : nil
        let x = rng.tensor([c.cin, c.t])
        let padding = Padding(left: c.left, right: c.right, mode: c.mode)
        let ref = referenceConv1d(x: x, weight: w, bias: b, stride: c.stride, padding: padding, dilation: c.dilation,
                                  groups: c.groups)
        for budget in [1 << 18, 64] {  // a tiny budget forces many time tiles
            var conv = Conv1d(weight: w, bias: b, stride: c.stride, padding: padding, dilation: c.dilation,
                              groups: c.groups)
            conv.tileBudget = budget
            let ws = Workspace()
            let y = conv(x, workspace: ws)
            #expect(y.shape == [c.cout, ref.length], "\(c)")
            expectClose(y.toArray(), ref.values, tolerance: { dotTolerance(ref.absSums[$0]) }, "\(c) budget \(budget)")
        }
    }

    @Test func conv1dReadsStridedInputAndWritesIntoASlice() {
        var rng = SeededRandom(seed: 21)
        let w = rng.tensor([6, 4, 3]), b = rng.tensor([6])
        let conv = Conv1d(weight: w, bias: b, padding: .same(kernelSize: 3))
        let source = rng.tensor([10, 40])
        let x = source.sliced(axis: 0, 2..<6).sliced(axis: 1, 3..<34)  // [4, 31], row stride 40
        let concat = Tensor(repeating: 7, shape: [9, 31])
        let ws = Workspace()
        conv.apply(x, into: concat.sliced(axis: 0, 2..<8), workspace: ws)
        let ref = referenceConv1d(x: x.contiguous(), weight: w, bias: b, stride: 1, padding: .same(kernelSize: 3),
                                  dilation: 1, groups: 1)
        expectClose(concat.sliced(axis: 0, 2..<8).toArray(), ref.values, tolerance: { dotTolerance(ref.absSums[$0]) },
                    "conv into slice")
        #expect(concat.sliced(axis: 0, 0..<2).toArray().allSatisfy { $0 == 7 })
        #expect(concat.sliced(axis: 0, 8..<9).toArray().allSatisfy { $0 == 7 })
    }

    @Test func paddingModes() {
        let x = Tensor(shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8])
        let ws = Workspace()
        #expect(Padding(left: 2, right: 1, mode: .reflect)(x, workspace: ws).toArray()
            == [3, 2, 1, 2, 3, 4, 3, 7, 6, 5, 6, 7, 8, 7])
        #expect(Padding(left: 1, right: 2, mode: .replicate)(x, workspace: ws).toArray()
            == [1, 1, 2, 3, 4, 4, 4, 5, 5, 6, 7, 8, 8, 8])
        #expect(Padding(left: 1, right: 0)(x, workspace: ws).toArray() == [0, 1, 2, 3, 4, 0, 5, 6, 7, 8])
    }

    struct TransposedCase: Sendable, CustomStringConvertible {
        var cin: Int, cout: Int, k: Int, stride: Int, padding: Int, outputPadding: Int, dilation: Int, groups: Int, t: Int
        var description: String { "cin \(cin) cout \(cout) k \(k) s \(stride) p \(padding) op \(outputPadding) d \(dilation) g \(groups)" }
    }

    @Test(arguments: [
        TransposedCase(cin: 13, cout: 11, k: 20, stride: 10, padding: 5, outputPadding: 0, dilation: 1, groups: 1, t: 37),
        TransposedCase(cin: 12, cout: 7, k: 12, stride: 6, padding: 3, outputPadding: 0, dilation: 1, groups: 1, t: 29),
        TransposedCase(cin: 9, cout: 6, k: 5, stride: 2, padding: 2, outputPadding: 1, dilation: 1, groups: 3, t: 37),
        TransposedCase(cin: 13, cout: 13, k: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 13, t: 37),
        TransposedCase(cin: 8, cout: 5, k: 3, stride: 1, padding: 0, outputPadding: 0, dilation: 3, groups: 1, t: 37),
        TransposedCase(cin: 7, cout: 4, k: 16, stride: 8, padding: 4, outputPadding: 0, dilation: 1, groups: 1, t: 19),
        TransposedCase(cin: 6, cout: 6, k: 7, stride: 3, padding: 9, outputPadding: 2, dilation: 2, groups: 6, t: 23),
    ])
    func convTranspose1dMatchesReference(_ c: TransposedCase) {
        var rng = SeededRandom(seed: UInt64(c.cin * 77 + c.k))
        let w = rng.tensor([c.cin, c.cout / c.groups, c.k]), b = rng.tensor([c.cout])
        let x = rng.tensor([c.cin, c.t])
        let ref = referenceConvTranspose1d(x: x, weight: w, bias: b, stride: c.stride, padding: c.padding,
                                           outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
        for budget in [1 << 17, 40] {
            var conv = ConvTranspose1d(weight: w, bias: b, stride: c.stride, padding: c.padding,
                                       outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
            conv.columnBudget = budget
            let y = conv(x, workspace: Workspace())
            #expect(y.shape == [c.cout, conv.outputLength(inputLength: c.t)])
            expectClose(y.toArray(), ref.values, tolerance: { dotTolerance(ref.absSums[$0]) }, "\(c) budget \(budget)")
        }
    }
}
