import Foundation
import SottoKernels
import Testing

@Suite struct STFTTests {
    /// torch.stft by definition, in double: reflect-pad n/2, frame, window, onesided DFT.
    static func reference(signal: [Float], n: Int, hop: Int, window: [Float], center: Bool) -> (re: [[Double]], im: [[Double]]) {
        let half = center ? n / 2 : 0
        let len = signal.count
        func sample(_ i: Int) -> Double {
            var j = i - half
            if j < 0 { j = -j }
            if j >= len { j = 2 * (len - 1) - j }
            return Double(signal[j])
        }
        let frames = 1 + (len + 2 * half - n) / hop
        let bins = n / 2 + 1
        var re = [[Double]](repeating: [Double](repeating: 0, count: frames), count: bins)
        var im = re
        for f in 0..<frames {
            for k in 0..<bins {
                var sr = 0.0, si = 0.0
                for t in 0..<n {
                    let v = sample(f * hop + t) * Double(window[t])
                    let angle = -2 * Double.pi * Double(k * t) / Double(n)
                    sr += v * Foundation.cos(angle)
                    si += v * Foundation.sin(angle)
                }
                re[k][f] = sr
                im[k][f] = si
            }
        }
        return (re, im)
    }

    // Sizes: Kokoro's 20 (direct DFT), 30 (direct), 96 = 2⁵·3, 100 = 4·25 (radix 5), 1024 (radix 4),
    // 97 (prime: direct DFT, large).
    @Test(arguments: [(20, 5), (30, 7), (96, 24), (100, 25), (1024, 256), (97, 10)])
    func forwardMatchesNaiveDFT(n: Int, hop: Int) {
        var rng = SeededRandom(seed: UInt64(n))
        let signal = rng.floats(n * 4 + 37)
        let window = Window.hann(n)
        let stft = STFT(fftSize: n, hopSize: hop, window: window)
        let (re, im) = stft.forward(Tensor(shape: [signal.count], values: signal), workspace: Workspace())
        let ref = Self.reference(signal: signal, n: n, hop: hop, window: window, center: true)
        #expect(re.shape == [n / 2 + 1, ref.re[0].count])
        // Each bin sums n windowed samples of magnitude ≤ 1: float error ≲ log2(n)·u·n for the FFT
        // and n·u·n for the direct sum; 2e-6·n bounds both for these sizes.
        let tol = 2e-6 * Double(n)
        expectClose(re.toArray(), ref.re.flatMap { $0 }, tolerance: { _ in tol }, "STFT real n \(n)")
        expectClose(im.toArray(), ref.im.flatMap { $0 }, tolerance: { _ in tol }, "STFT imag n \(n)")
    }

    @Test(arguments: [20, 128])
    func uncentredWithShortWindow(n: Int) {
        var rng = SeededRandom(seed: UInt64(n + 5))
        let signal = rng.floats(3 * n + 11)
        let short = Window.hann(n - 4)  // zero-padded by 2 on each side, as torch does
        let full = [Float](repeating: 0, count: 2) + short + [Float](repeating: 0, count: 2)
        let stft = STFT(fftSize: n, hopSize: n / 4, window: short, center: false)
        #expect(stft.window == full)
        let (re, im) = stft.forward(Tensor(shape: [signal.count], values: signal), workspace: Workspace())
        let ref = Self.reference(signal: signal, n: n, hop: n / 4, window: full, center: false)
        #expect(re.shape[1] == 1 + (signal.count - n) / (n / 4))
        expectClose(re.toArray(), ref.re.flatMap { $0 }, tolerance: { _ in 2e-6 * Double(n) }, "uncentred real")
        expectClose(im.toArray(), ref.im.flatMap { $0 }, tolerance: { _ in 2e-6 * Double(n) }, "uncentred imag")
    }

    @Test(arguments: [(20, 5), (16, 4), (1024, 256), (96, 24), (100, 25), (30, 10)])
    func roundTripIsIdentity(n: Int, hop: Int) {
        var rng = SeededRandom(seed: UInt64(n + 1))
        let signal = rng.floats(n * 5 + 3 * hop)  // a whole number of hops
        let stft = STFT(fftSize: n, hopSize: hop, window: Window.hann(n))
        let ws = Workspace()
        let x = Tensor(shape: [signal.count], values: signal)
        let (re, im) = stft.forward(x, workspace: ws)
        let y = stft.inverse(real: re, imag: im, length: signal.count, workspace: ws)
        #expect(y.shape == [signal.count])
        expectClose(y.toArray(), signal.map(Double.init), tolerance: { _ in 1e-5 }, "iSTFT(STFT(x)) n \(n)")
        // Magnitude/phase form gives the same signal.
        let mag = Tensor(zeros: re.shape), phase = Tensor(zeros: re.shape)
        STFT.magnitudeAndPhase(real: re, imag: im, magnitude: mag, phase: phase)
        let re2 = Tensor(zeros: re.shape), im2 = Tensor(zeros: re.shape)
        STFT.realAndImaginary(magnitude: mag, phase: phase, real: re2, imag: im2)
        let y2 = stft.inverse(real: re2, imag: im2, length: signal.count, workspace: ws)
        expectClose(y2.toArray(), signal.map(Double.init), tolerance: { _ in 2e-5 }, "via magnitude/phase n \(n)")
    }

    @Test func inverseMatchesTextbookOverlapAdd() {
        // Random spectra are not consistent STFTs, so this checks the inverse itself: per-frame
        // inverse real DFT (ignoring DC/Nyquist imaginary parts), window, overlap-add, divide by Σw².
        var rng = SeededRandom(seed: 77)
        for (n, hop) in [(20, 5), (128, 32)] {
            let bins = n / 2 + 1, frames = 9
            let re = rng.tensor([bins, frames]), im = rng.tensor([bins, frames])
            let window = Window.hann(n)
            let stft = STFT(fftSize: n, hopSize: hop, window: window)
            let y = stft.inverse(real: re, imag: im, workspace: Workspace())
            let total = n + hop * (frames - 1)
            var acc = [Double](repeating: 0, count: total), wsum = [Double](repeating: 0, count: total)
            for f in 0..<frames {
                for t in 0..<n {
                    var v = Double(re[0, f])
                    for k in 1..<bins {
                        let angle = 2 * Double.pi * Double(k * t) / Double(n)
                        let weight = (k == n / 2) ? 1.0 : 2.0
                        let imag = k == n / 2 ? 0 : Double(im[k, f])
                        v += weight * (Double(re[k, f]) * Foundation.cos(angle) - imag * Foundation.sin(angle))
                    }
                    v /= Double(n)
                    acc[f * hop + t] += v * Double(window[t])
                    wsum[f * hop + t] += Double(window[t] * window[t])
                }
            }
            let expected = (n / 2..<total - n / 2).map { wsum[$0] > 1e-11 ? acc[$0] / wsum[$0] : acc[$0] }
            #expect(y.count == expected.count)
            expectClose(y.toArray(), expected, tolerance: { _ in 2e-5 }, "inverse n \(n)")
        }
    }

    @Test func fftMatchesDFTForAssortedSizes() {
        for n in [1, 2, 3, 5, 7, 8, 12, 45, 64, 77, 210] {
            var rng = SeededRandom(seed: UInt64(n * 3))
            var re = rng.floats(n), im = rng.floats(n)
            let (r0, i0) = (re, im)
            let fft = FFT(size: n)
            re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { i in
                fft.forward(real: r.baseAddress!, imag: i.baseAddress!)
            } }
            var refRe = [Double](), refIm = [Double]()
            for k in 0..<n {
                var sr = 0.0, si = 0.0
                for t in 0..<n {
                    let a = -2 * Double.pi * Double(k * t % n) / Double(n)
                    sr += Double(r0[t]) * Foundation.cos(a) - Double(i0[t]) * Foundation.sin(a)
                    si += Double(r0[t]) * Foundation.sin(a) + Double(i0[t]) * Foundation.cos(a)
                }
                refRe.append(sr)
                refIm.append(si)
            }
            expectClose(re, refRe, tolerance: { _ in 2e-6 * Double(n) }, "FFT \(n) real")
            expectClose(im, refIm, tolerance: { _ in 2e-6 * Double(n) }, "FFT \(n) imag")
            re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { i in
                fft.inverse(real: r.baseAddress!, imag: i.baseAddress!)
            } }
            expectClose(re.map { $0 / Float(n) }, r0.map(Double.init), tolerance: { _ in 2e-6 * Double(n) }, "IFFT \(n)")
        }
    }

    @Test func periodicAndSymmetricHann() {
        let p = Window.hann(8), s = Window.hann(5, periodic: false)
        #expect(p[0] == 0 && abs(p[4] - 1) < 1e-7 && abs(p[2] - 0.5) < 1e-7)
        #expect(s[0] == 0 && s[4] == 0 && abs(s[2] - 1) < 1e-7)
    }
}
