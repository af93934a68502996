import Foundation
import SottoKernels
import Testing

@Suite struct NormTests {
    static func normalise(_ v: [Double], eps: Double, rms: Bool = false) -> [Double] {
        let n = Double(v.count)
        let mean = rms ? 0 : v.reduce(0, +) / n
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return v.map { ($0 - mean) / (variance + eps).squareRoot() }
    }

    // Normalised values are O(1) (up to √n); float32 statistics over ≤ 100 values err by ~1e-6
    // relative, so 2e-5 absolute (after affine weights ≤ 2) is a safe bound.
    static let tolerance = 2e-5

    @Test(arguments: [true, false])
    func layerNormOverRows(affine: Bool) {
        var rng = SeededRandom(seed: 30)
        let t = 37, c = 13
        let x = rng.tensor([t, c], -3, 5)
        let w = rng.tensor([c], 0.5, 2), b = rng.tensor([c])
        let y = Tensor(zeros: [t, c])
        Norms.layerNorm(rowsOf: x, weight: affine ? w : nil, bias: affine ? b : nil, eps: 1e-5, into: y)
        var reference = [Double]()
        for r in 0..<t {
            let n = Self.normalise((0..<c).map { Double(x[r, $0]) }, eps: 1e-5)
            reference += (0..<c).map { affine ? n[$0] * Double(w[$0]) + Double(b[$0]) : n[$0] }
        }
        expectClose(y.toArray(), reference, tolerance: { _ in Self.tolerance }, "layerNorm rows")
    }

    @Test func layerNormOverChannelsOfChannelsFirstTensor() {
        var rng = SeededRandom(seed: 31)
        let c = 13, t = 37
        let x = rng.tensor([c, t], -2, 4)
        let w = rng.tensor([c], 0.5, 2), b = rng.tensor([c])
        let y = Tensor(zeros: [c, t])
        Norms.layerNorm(channelsOf: x, weight: w, bias: b, eps: 1e-5, into: y, workspace: Workspace())
        var reference = [Double](repeating: 0, count: c * t)
        for s in 0..<t {
            let n = Self.normalise((0..<c).map { Double(x[$0, s]) }, eps: 1e-5)
            for ch in 0..<c { reference[ch * t + s] = n[ch] * Double(w[ch]) + Double(b[ch]) }
        }
        expectClose(y.toArray(), reference, tolerance: { _ in Self.tolerance }, "layerNorm channels")
        // The same via the row form on the transposed view.
        let viaRows = Tensor(zeros: [t, c])
        Norms.layerNorm(rowsOf: x.transposed(), weight: w, bias: b, eps: 1e-5, into: viaRows)
        expectClose(viaRows.transposed().toArray(), reference, tolerance: { _ in Self.tolerance }, "layerNorm rows of xᵀ")
    }

    @Test func instanceNormAndAdaIN() {
        var rng = SeededRandom(seed: 32)
        let c = 13, t = 37
        let x = rng.tensor([c, t], -1, 3)
        let gamma = rng.tensor([c]), beta = rng.tensor([c])
        let plain = Tensor(zeros: [c, t]), ada = Tensor(zeros: [c, t])
        Norms.instanceNorm(x, eps: 1e-5, into: plain)
        Norms.adaptiveInstanceNorm(x, gamma: gamma, beta: beta, eps: 1e-5, into: ada)
        var refPlain = [Double](), refAda = [Double]()
        for ch in 0..<c {
            let n = Self.normalise((0..<t).map { Double(x[ch, $0]) }, eps: 1e-5)
            refPlain += n
            refAda += n.map { (1 + Double(gamma[ch])) * $0 + Double(beta[ch]) }
        }
        expectClose(plain.toArray(), refPlain, tolerance: { _ in Self.tolerance }, "instance norm")
        expectClose(ada.toArray(), refAda, tolerance: { _ in Self.tolerance }, "AdaIN")
        // In place.
        Norms.adaptiveInstanceNorm(x, gamma: gamma, beta: beta, eps: 1e-5, into: x)
        expectClose(x.toArray(), refAda, tolerance: { _ in Self.tolerance }, "AdaIN in place")
    }

    @Test func rmsNorm() {
        var rng = SeededRandom(seed: 33)
        let t = 7, c = 37
        let x = rng.tensor([t, c], -4, 4), w = rng.tensor([c], 0.5, 1.5)
        let y = Tensor(zeros: [t, c])
        Norms.rmsNorm(rowsOf: x, weight: w, eps: 1e-6, into: y)
        var reference = [Double]()
        for r in 0..<t {
            let n = Self.normalise((0..<c).map { Double(x[r, $0]) }, eps: 1e-6, rms: true)
            reference += (0..<c).map { n[$0] * Double(w[$0]) }
        }
        expectClose(y.toArray(), reference, tolerance: { _ in Self.tolerance }, "RMSNorm")
    }
}
