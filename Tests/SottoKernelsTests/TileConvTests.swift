import SottoKernels
import Testing

/// Runs only where the active tier is AMX; elsewhere the suite shows as skipped.
@Suite(.enabled(if: TileConv1d.isAvailable, "needs AMX tiles and the amx tier")) struct TileConvTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let cin, cout, k, dilation, t: Int
        let padding: Padding
        var testDescription: String { "\(cin)→\(cout) k\(k) d\(dilation) T\(t) \(padding.mode)" }
    }

    /// Every weight and input is rounded to bfloat16 (relative error ≤ 2⁻⁹ each, so ≤ 2⁻⁸ per
    /// product) before fp32 products and sums: each output may be off by about 2⁻⁸ = 3.9e-3 of
    /// the sum of its terms' magnitudes; 4e-3 of that sum bounds it.
    @Test(arguments: [
        Case(cin: 22, cout: 32, k: 1, dilation: 1, t: 5, padding: .none),
        Case(cin: 64, cout: 64, k: 3, dilation: 1, t: 77, padding: .symmetric(1)),
        Case(cin: 130, cout: 96, k: 7, dilation: 3, t: 100, padding: .symmetric(9)),
        Case(cin: 32, cout: 32, k: 11, dilation: 5, t: 64, padding: .symmetric(25)),
        Case(cin: 48, cout: 64, k: 5, dilation: 1, t: 40, padding: .symmetric(2, mode: .reflect)),
        // Wide enough for several column bands per thread, the last one partly past the end.
        Case(cin: 32, cout: 1024, k: 3, dilation: 2, t: 700, padding: .symmetric(2)),
    ])
    func matchesReference(_ c: Case) throws {
        var random = SeededRandom(seed: UInt64(c.cin * 1000 + c.k))
        let weight = random.tensor([c.cout, c.cin, c.k])
        let bias = random.tensor([c.cout])
        let x = random.tensor([c.cin, c.t])
        let conv = try #require(TileConv1d(weight: weight, bias: bias, padding: c.padding, dilation: c.dilation),
                                 "the tiles are available but the convolution was refused")
        let reference = referenceConv1d(x: x, weight: weight, bias: bias, stride: 1, padding: c.padding,
                                        dilation: c.dilation, groups: 1)
        #expect(conv.outputLength(inputLength: c.t) == reference.length)
        let y = conv(x, workspace: Workspace())
        expectClose(y.toArray(), reference.values, tolerance: { 4e-3 * reference.absSums[$0] + 1e-6 }, "\(c.testDescription)")
    }

    @Test func refusesWhatItCannotTile() {
        #expect(TileConv1d(weight: Tensor(zeros: [22, 8, 3])) == nil)
    }
}
