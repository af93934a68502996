import SottoKernels
import Testing

/// The transposed convolution as one direct convolution per output phase, against the
/// double-precision definition (scatter of every input sample).
@Suite struct PolyphaseConvTransposeTests {
    typealias Case = ConvTests.TransposedCase

    @Test(arguments: [
        // Piper's upsampling layers (k = 2·stride, padding stride/2), long enough for whole register tiles.
        Case(cin: 24, cout: 16, k: 16, stride: 8, padding: 4, outputPadding: 0, dilation: 1, groups: 1, t: 61),
        Case(cin: 16, cout: 8, k: 8, stride: 4, padding: 2, outputPadding: 0, dilation: 1, groups: 1, t: 45),
        // Short inputs (columns summed one at a time), odd kernels, output padding.
        Case(cin: 13, cout: 11, k: 20, stride: 10, padding: 5, outputPadding: 0, dilation: 1, groups: 1, t: 7),
        Case(cin: 12, cout: 7, k: 12, stride: 6, padding: 3, outputPadding: 2, dilation: 1, groups: 1, t: 29),
        Case(cin: 9, cout: 6, k: 5, stride: 2, padding: 2, outputPadding: 1, dilation: 1, groups: 1, t: 37),
        // A kernel shorter than the stride: some phases have no tap and hold the bias.
        Case(cin: 5, cout: 9, k: 3, stride: 4, padding: 0, outputPadding: 1, dilation: 1, groups: 1, t: 30),
    ])
    func matchesReference(_ c: Case) {
        var rng = SeededRandom(seed: UInt64(c.cin * 31 + c.k))
        let w = rng.tensor([c.cin, c.cout, c.k]), b = rng.tensor([c.cout])
        let x = rng.tensor([c.cin, c.t])
        let ref = referenceConvTranspose1d(x: x, weight: w, bias: b, stride: c.stride, padding: c.padding,
                                           outputPadding: c.outputPadding, dilation: 1, groups: 1)
        let conv = PolyphaseConvTranspose1d(weight: w, bias: b, stride: c.stride, padding: c.padding,
                                            outputPadding: c.outputPadding)
        let y = conv(x, workspace: Workspace())
        #expect(y.shape == [c.cout, conv.outputLength(inputLength: c.t)])
        expectClose(y.toArray(), ref.values, tolerance: { dotTolerance(ref.absSums[$0]) }, "\(c)")
    }

    /// Each output column is summed in the same order wherever it lies, so the columns a slice
    /// of the input fully determines come out bit for bit as from the whole input.
    @Test func sliceGivesTheSameColumns() {
        var rng = SeededRandom(seed: 9)
        let stride = 8, k = 16, padding = 4
        let conv = PolyphaseConvTranspose1d(weight: rng.tensor([32, 16, k]), bias: rng.tensor([16]), stride: stride, padding: padding)
        let x = rng.tensor([32, 90])
        let whole = conv(x, workspace: Workspace())
        let from = 23, slice = x.sliced(axis: 1, from ..< 80).contiguous()
        let part = conv(slice, workspace: Workspace())
        // Output n reads inputs ⌈(n + padding − k + 1)/stride⌉ … ⌊(n + padding)/stride⌋; those within
        // from … 79 for n in lo ..< hi (k = 2·stride).
        let lo = (from + 1) * stride - padding, hi = 80 * stride - padding
        for o in 0 ..< 16 {
            let a = (lo ..< hi).map { whole[o, $0] }, b = (lo ..< hi).map { part[o, $0 - from * stride] }
            #expect(a == b, "row \(o)")
        }
    }
}
