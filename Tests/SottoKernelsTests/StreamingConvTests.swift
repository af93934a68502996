import SottoKernels
import Testing

/// Piece sizes a stream may arrive in: single samples, pieces shorter than the carried history,
/// ragged ones with an empty piece among them, and the whole signal at once.
let streamingSchedules: [[Int]] = [[1], [2, 1, 5, 0, 3, 11], [17, 4], [1_000]]

/// Splits `length` samples into consecutive ranges following `schedule` (repeated; the last
/// piece is cut short at the end).
func pieces(of length: Int, schedule: [Int]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start = 0, index = 0
    while start < length {
        let size = min(schedule[index % schedule.count], length - start)
        ranges.append(start..<start + size)
        start += size
        index += 1
    }
    return ranges
}

@Suite struct StreamingConvTests {
    struct Case: Sendable, CustomStringConvertible {
        var cin: Int, cout: Int, k: Int, dilation: Int, groups: Int, t: Int, bias: Bool
        var description: String { "cin \(cin) cout \(cout) k \(k) d \(dilation) g \(groups) T \(t)" }
    }

    @Test(arguments: [
        Case(cin: 6, cout: 5, k: 7, dilation: 1, groups: 1, t: 41, bias: true),
        Case(cin: 4, cout: 4, k: 7, dilation: 9, groups: 1, t: 83, bias: true),  // history 54 > most pieces
        Case(cin: 8, cout: 8, k: 7, dilation: 1, groups: 8, t: 40, bias: false),  // depthwise
        Case(cin: 6, cout: 9, k: 3, dilation: 2, groups: 3, t: 29, bias: true),
        Case(cin: 5, cout: 3, k: 1, dilation: 1, groups: 1, t: 23, bias: true),  // nothing carried
    ])
    func piecesEqualOneCausalPass(_ c: Case) {
        var rng = SeededRandom(seed: UInt64(c.cin * 131 + c.k * 7 + c.dilation))
        let w = rng.tensor([c.cout, c.cin / c.groups, c.k])
        let b = c.bias ? rng.tensor([c.cout]) : nil
        let x = rng.tensor([c.cin, c.t])
        let causal = Padding.causal(kernelSize: c.k, dilation: c.dilation)
        let ref = referenceConv1d(x: x, weight: w, bias: b, stride: 1, padding: causal, dilation: c.dilation,
                                  groups: c.groups)
        let ws = Workspace()
        let whole = Conv1d(weight: w, bias: b, padding: causal, dilation: c.dilation, groups: c.groups)(x, workspace: ws)
        let stream = StreamingConv1d(weight: w, bias: b, dilation: c.dilation, groups: c.groups)
        #expect(stream.historyLength == (c.k - 1) * c.dilation)
        for schedule in streamingSchedules {
            // Run twice: reset() must forget the previous stream entirely.
            for pass in 0..<2 {
                stream.reset()
                let y = Tensor(repeating: .nan, shape: [c.cout, c.t])
                for range in pieces(of: c.t, schedule: schedule) {
                    let piece = x.sliced(axis: 1, range)  // a strided view, as decoders pass
                    stream.apply(piece, into: y.sliced(axis: 1, range), workspace: ws)
                }
                let what = "\(c) pieces \(schedule) pass \(pass)"
                expectClose(y.toArray(), ref.values, tolerance: { dotTolerance(ref.absSums[$0]) }, what)
                expectClose(y.toArray(), doubles(whole), tolerance: { dotTolerance(ref.absSums[$0]) }, what + " vs Conv1d")
            }
        }
    }

    @Test func tilesStreamWithinTheirRoundingBound() {
        // On CPUs with AMX the pieces run on bf16 tiles: each output within 2⁻⁷ of the sum of
        // its terms' magnitudes (inputs and weights each rounded by at most 2⁻⁹, with margin).
        var rng = SeededRandom(seed: 77)
        let cin = 40, cout = 64, k = 7, dilation = 3, t = 150
        let w = rng.tensor([cout, cin, k]), b = rng.tensor([cout]), x = rng.tensor([cin, t])
        let causal = Padding.causal(kernelSize: k, dilation: dilation)
        let ref = referenceConv1d(x: x, weight: w, bias: b, stride: 1, padding: causal, dilation: dilation, groups: 1)
        let stream = StreamingConv1d(weight: w, bias: b, dilation: dilation, allowTiles: true)
        #expect((stream.tiles != nil) == TileConv1d.isAvailable)
        #expect(StreamingConv1d(weight: w, bias: b, dilation: dilation).tiles == nil)
        let ws = Workspace()
        for schedule in streamingSchedules {
            stream.reset()
            let y = Tensor(repeating: .nan, shape: [cout, t])
            for range in pieces(of: t, schedule: schedule) {
                stream.apply(x.sliced(axis: 1, range), into: y.sliced(axis: 1, range), workspace: ws)
            }
            expectClose(y.toArray(), ref.values, tolerance: { 0.0079 * ref.absSums[$0] + 1e-6 }, "tiles, pieces \(schedule)")
        }
    }

    @Test func emptyPieceLeavesTheHistoryAlone() {
        var rng = SeededRandom(seed: 5)
        let w = rng.tensor([3, 2, 4]), x = rng.tensor([2, 12])
        let ws = Workspace()
        let stream = StreamingConv1d(weight: w)
        let plain = stream(x, workspace: ws).toArray()
        stream.reset()
        let first = stream(x.sliced(axis: 1, 0..<5), workspace: ws).toArray()
        _ = stream(x.sliced(axis: 1, 5..<5), workspace: ws)
        let rest = stream(x.sliced(axis: 1, 5..<12), workspace: ws).toArray()
        let split = zip(first.chunks(5), rest.chunks(7)).flatMap { $0 + $1 }
        expectClose(split, plain.map(Double.init), tolerance: { 1e-6 * (1 + abs(Double(plain[$0]))) }, "5 + 0 + 7 samples")
    }

    struct TransposedCase: Sendable, CustomStringConvertible {
        var cin: Int, cout: Int, k: Int, stride: Int, groups: Int, t: Int
        var description: String { "cin \(cin) cout \(cout) k \(k) s \(stride) g \(groups) T \(t)" }
    }

    @Test(arguments: [
        TransposedCase(cin: 6, cout: 5, k: 16, stride: 8, groups: 1, t: 19),  // codec upsampling: k = 2·stride
        TransposedCase(cin: 4, cout: 4, k: 2, stride: 2, groups: 1, t: 23),  // k = stride: nothing overlaps
        TransposedCase(cin: 5, cout: 3, k: 7, stride: 3, groups: 1, t: 21),  // overlap longer than one step
        TransposedCase(cin: 6, cout: 6, k: 10, stride: 5, groups: 3, t: 17),
        TransposedCase(cin: 3, cout: 2, k: 3, stride: 1, groups: 1, t: 13),
    ])
    func piecesEqualOnePassTrimmedOnTheRight(_ c: TransposedCase) {
        var rng = SeededRandom(seed: UInt64(c.cin * 59 + c.k * 3 + c.stride))
        let w = rng.tensor([c.cin, c.cout / c.groups, c.k]), b = rng.tensor([c.cout])
        let x = rng.tensor([c.cin, c.t])
        let ref = referenceConvTranspose1d(x: x, weight: w, bias: b, stride: c.stride, padding: 0, outputPadding: 0,
                                           dilation: 1, groups: c.groups)
        let fullLength = (c.t - 1) * c.stride + c.k, emitted = c.t * c.stride
        // The streamed signal is the whole-signal output with its last k − stride samples cut.
        var kept: [Double] = [], keptSums: [Double] = []
        for o in 0..<c.cout {
            kept += ref.values[o * fullLength..<o * fullLength + emitted]
            keptSums += ref.absSums[o * fullLength..<o * fullLength + emitted]
        }
        let ws = Workspace()
        let whole = ConvTranspose1d(weight: w, bias: b, stride: c.stride, groups: c.groups)(x, workspace: ws)
        #expect(whole.shape == [c.cout, fullLength])
        let wholeKept = doubles(whole.sliced(axis: 1, 0..<emitted).contiguous())
        let stream = StreamingConvTranspose1d(weight: w, bias: b, stride: c.stride, groups: c.groups)
        #expect(stream.kernelSize == c.k && stream.outChannels == c.cout)
        for schedule in streamingSchedules {
            for pass in 0..<2 {
                stream.reset()
                var out = [[Float]](repeating: [], count: c.cout)
                for range in pieces(of: c.t, schedule: schedule) {
                    let y = stream(x.sliced(axis: 1, range), workspace: ws)
                    #expect(y.shape == [c.cout, range.count * c.stride])
                    for o in 0..<c.cout { out[o] += y.selecting(axis: 0, o).toArray() }
                }
                let streamed = out.flatMap { $0 }
                let what = "\(c) pieces \(schedule) pass \(pass)"
                expectClose(streamed, kept, tolerance: { dotTolerance(keptSums[$0]) }, what)
                expectClose(streamed, wholeKept, tolerance: { dotTolerance(keptSums[$0]) }, what + " vs ConvTranspose1d")
            }
        }
    }
}

extension Array {
    /// Consecutive slices of `size` elements.
    fileprivate func chunks(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
