import Glibc

/// Analysis windows.
public enum Window {
    /// Hann window; `periodic` (PyTorch's default) divides by n rather than n − 1.
    public static func hann(_ n: Int, periodic: Bool = true) -> [Float] {
        let denominator = Double(periodic ? n : n - 1)
        return (0..<n).map { Float(0.5 - 0.5 * Glibc.cos(2 * Double.pi * Double($0) / max(denominator, 1))) }
    }
}

/// Short-time Fourier transform of a 1-D signal with `torch.stft` / `torch.istft` semantics
/// (onesided, unnormalised; `center` pads n_fft/2 on both sides, reflecting by default).
/// Spectra are `[bins, frames]` with bins = n_fft/2 + 1, as real and imaginary parts (or
/// magnitude and phase).
///
/// Small transforms (n_fft ≤ 64, or sizes with large prime factors) multiply the frames by a
/// precomputed DFT basis in one sgemm; larger ones run ``FFT`` on two real frames at once.
public final class STFT: Sendable {
    public let fftSize: Int
    public let hopSize: Int
    public let window: [Float]
    public let center: Bool
    public let padMode: Padding.Mode
    public var bins: Int { fftSize / 2 + 1 }

    /// `[2·bins, n]`: cos rows then −sin rows (forward DFT of a real frame).
    let forwardBasis: Tensor?
    /// `[n, 2·bins]`: onesided inverse (Hermitian weights and 1/N included).
    let inverseBasis: Tensor?
    let fft: FFT?

    /// `window` may be shorter than `fftSize`; it is then zero-padded on both sides (centred),
    /// as PyTorch does for `win_length < n_fft`. Nil means a rectangular window.
    public init(fftSize: Int, hopSize: Int, window: [Float]? = nil, center: Bool = true,
                padMode: Padding.Mode = .reflect) {
        precondition(fftSize >= 1 && hopSize >= 1, "n_fft and hop must be positive")
        self.fftSize = fftSize
        self.hopSize = hopSize
        self.center = center
        self.padMode = padMode
        var w = [Float](repeating: 1, count: fftSize)
        if let window {
            precondition(window.count <= fftSize, "window longer than n_fft")
            w = [Float](repeating: 0, count: fftSize)
            let left = (fftSize - window.count) / 2
            for i in 0..<window.count { w[left + i] = window[i] }
        }
        self.window = w
        let plan = FFT(size: fftSize)
        let direct = fftSize <= 64 || !plan.isSmooth
        fft = direct ? nil : plan
        let bins = fftSize / 2 + 1
        if direct {
            let fb = Tensor(zeros: [2 * bins, fftSize])
            let ib = Tensor(zeros: [fftSize, 2 * bins])
            let n = Double(fftSize)
            for k in 0..<bins {
                // Bins 0 and n/2 appear once in the full spectrum, the others twice.
                let weight = (k == 0 || (fftSize % 2 == 0 && k == fftSize / 2)) ? 1.0 : 2.0
                for t in 0..<fftSize {
                    let angle = 2 * Double.pi * Double((k * t) % fftSize) / n
                    fb[k, t] = Float(Glibc.cos(angle))
                    fb[bins + k, t] = Float(-Glibc.sin(angle))
                    ib[t, k] = Float(weight * Glibc.cos(angle) / n)
                    ib[t, bins + k] = Float(-weight * Glibc.sin(angle) / n)
                }
            }
            forwardBasis = fb
            inverseBasis = ib
        } else {
            forwardBasis = nil
            inverseBasis = nil
        }
    }

    /// Frames produced for a signal of `length` samples.
    public func frameCount(signalLength length: Int) -> Int {
        let padded = length + (center ? 2 * (fftSize / 2) : 0)
        precondition(padded >= fftSize, "signal shorter than n_fft")
        return 1 + (padded - fftSize) / hopSize
    }

    /// Real and imaginary parts `[bins, frames]` of the spectrum of `signal` `[N]`, from `workspace`.
    public func forward(_ signal: Tensor, workspace: Workspace) -> (real: Tensor, imag: Tensor) {
        let frames = frameCount(signalLength: signal.count)
        let real = workspace.tensor([bins, frames]), imag = workspace.tensor([bins, frames])
        forward(signal, real: real, imag: imag, workspace: workspace)
        return (real, imag)
    }

    /// Writes the spectrum of `signal` `[N]` into `real` and `imag` `[bins, frames]`.
    public func forward(_ signal: Tensor, real: Tensor, imag: Tensor, workspace: Workspace) {
        precondition(signal.rank == 1, "STFT takes a 1-D signal, got \(signal.shape)")
        let frames = frameCount(signalLength: signal.count)
        precondition(real.shape == [bins, frames] && imag.shape == [bins, frames] && real.hasDenseRows && imag.hasDenseRows,
                     "STFT outputs must be [\(bins), \(frames)] with dense rows")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let n = fftSize, hop = hopSize
        let half = center ? n / 2 : 0
        let padded = workspace.tensor([1, signal.count + 2 * half])
        Padding(left: half, right: half, mode: padMode)
            .apply(signal.contiguous(in: workspace).reshaped([1, -1]), into: padded)
        withExtendedLifetime((padded, real, imag)) {
            let src = padded.pointer
            if let basis = forwardBasis {
                // Frame matrix [n, frames]: row i holds window[i]·sample(i + f·hop) for every frame f.
                let framesMatrix = workspace.tensor([n, frames])
                let fp = framesMatrix.pointer
                for i in 0..<n {
                    let w = window[i]
                    let row = fp + i * frames
                    for f in 0..<frames { row[f] = w * src[i + f * hop] }
                }
                BLAS.sgemm(m: bins, n: frames, k: n, a: basis.pointer, lda: n, b: fp, ldb: frames,
                           c: real.pointer, ldc: real.rowStride)
                BLAS.sgemm(m: bins, n: frames, k: n, a: basis.pointer + bins * n, lda: n, b: fp, ldb: frames,
                           c: imag.pointer, ldc: imag.rowStride)
            } else if let fft {
                workspace.withScratch(2 * n) { buffer in
                    let re = buffer, im = buffer + n
                    var f = 0
                    while f < frames {
                        // Two real frames in one complex transform: frame f real, frame f+1 imaginary.
                        let pair = f + 1 < frames
                        for i in 0..<n {
                            re[i] = window[i] * src[f * hop + i]
                            im[i] = pair ? window[i] * src[(f + 1) * hop + i] : 0
                        }
                        fft.forward(real: re, imag: im)
                        for k in 0..<bins {
                            let j = (n - k) % n
                            let zr = re[k], zi = im[k], cr = re[j], ci = -im[j]
                            real.pointer[k * real.rowStride + f] = 0.5 * (zr + cr)
                            imag.pointer[k * imag.rowStride + f] = 0.5 * (zi + ci)
                            if pair {
                                // (Z − conj Z[n−k]) / 2i
                                real.pointer[k * real.rowStride + f + 1] = 0.5 * (zi - ci)
                                imag.pointer[k * imag.rowStride + f + 1] = -0.5 * (zr - cr)
                            }
                        }
                        f += 2
                    }
                }
            }
        }
    }

    /// Inverse STFT of `real`/`imag` `[bins, frames]`: inverse DFT of each frame (imaginary parts
    /// of DC and Nyquist ignored), windowed overlap-add, division by the overlap-added squared
    /// window where it exceeds 1e-11, centre padding trimmed. `length` trims or zero-pads the
    /// result (default: hop·(frames − 1), the length of the original signal when centred).
    public func inverse(real: Tensor, imag: Tensor, length: Int? = nil, workspace: Workspace) -> Tensor {
        precondition(real.rank == 2 && real.shape[0] == bins && imag.shape == real.shape,
                     "inverse STFT needs real and imag [\(bins), frames]")
        let frames = real.shape[1]
        let n = fftSize, hop = hopSize
        let total = n + hop * (frames - 1)
        let half = center ? n / 2 : 0
        let outLength = length ?? (total - 2 * half)
        let output = workspace.zeros([outLength])
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let re = real.denseRows(in: workspace), im = imag.denseRows(in: workspace)
        let signal = workspace.zeros([total])
        let weight = workspace.zeros([total])
        let sp = signal.pointer, wp = weight.pointer
        withExtendedLifetime((re, im, signal, weight, output)) {
            let window = self.window
            let addFrame = { (f: Int, samples: UnsafePointer<Float>, step: Int) in
                let base = f * hop
                for i in 0..<n {
                    sp[base + i] += samples[i * step] * window[i]
                    wp[base + i] += window[i] * window[i]
                }
            }
            if let basis = inverseBasis {
                // Spectrum matrix [2·bins, frames] (real rows, then imaginary rows).
                let spectrum = workspace.tensor([2 * bins, frames])
                spectrum.sliced(axis: 0, 0..<bins).copy(from: re)
                spectrum.sliced(axis: 0, bins..<2 * bins).copy(from: im)
                let time = workspace.tensor([n, frames])
                BLAS.sgemm(m: n, n: frames, k: 2 * bins, a: basis.pointer, lda: 2 * bins, b: spectrum.pointer,
                           ldb: frames, c: time.pointer, ldc: frames)
                for f in 0..<frames { addFrame(f, time.pointer + f, frames) }
            } else if let fft {
                workspace.withScratch(2 * n) { buffer in
                    let zr = buffer, zi = buffer + n
                    var f = 0
                    let rs = re.rowStride, ims = im.rowStride
                    while f < frames {
                        let pair = f + 1 < frames
                        // Z = A + iB with A, B the Hermitian spectra of frames f and f+1.
                        for k in 0..<n {
                            let mirrored = k > n / 2
                            let b = mirrored ? n - k : k
                            let sign: Float = mirrored ? -1 : 1
                            let dropImag = b == 0 || (n % 2 == 0 && b == n / 2)
                            let ar = re.pointer[b * rs + f]
                            let ai = dropImag ? 0 : sign * im.pointer[b * ims + f]
                            let br = pair ? re.pointer[b * rs + f + 1] : 0
                            let bi = pair && !dropImag ? sign * im.pointer[b * ims + f + 1] : 0
                            zr[k] = ar - bi
                            zi[k] = ai + br
                        }
                        fft.inverse(real: zr, imag: zi)
                        let scale = 1 / Float(n)
                        for i in 0..<n {
                            zr[i] *= scale
                            zi[i] *= scale
                        }
                        addFrame(f, zr, 1)
                        if pair { addFrame(f + 1, zi, 1) }
                        f += 2
                    }
                }
            }
            let available = min(outLength, total - half)
            let out = output.pointer
            for i in 0..<max(0, available) {
                let w = wp[half + i]
                out[i] = w > 1e-11 ? sp[half + i] / w : sp[half + i]
            }
        }
        return output
    }

    /// Magnitude √(re² + im²) and phase atan2(im, re), elementwise.
    public static func magnitudeAndPhase(real: Tensor, imag: Tensor, magnitude: Tensor, phase: Tensor) {
        let re = real.contiguous(), im = imag.contiguous()
        precondition(magnitude.shape == real.shape && phase.shape == real.shape && magnitude.isContiguous && phase.isContiguous,
                     "magnitude and phase must be dense tensors shaped like the spectrum")
        let n = re.count
        withExtendedLifetime((re, im, magnitude, phase)) {
            let r = re.pointer, i = im.pointer, m = magnitude.pointer, p = phase.pointer
            for j in 0..<n {
                m[j] = (r[j] * r[j] + i[j] * i[j]).squareRoot()
                p[j] = atan2f(i[j], r[j])
            }
        }
    }

    /// Real and imaginary parts from magnitude and phase (vectorised sin/cos).
    public static func realAndImaginary(magnitude: Tensor, phase: Tensor, real: Tensor, imag: Tensor) {
        let m = magnitude.contiguous(), p = phase.contiguous()
        precondition(real.shape == m.shape && imag.shape == m.shape && real.isContiguous && imag.isContiguous,
                     "real and imag must be dense tensors shaped like the magnitude")
        withExtendedLifetime((m, p, real, imag)) {
            FastMath.cos(p.pointer, into: real.pointer, count: m.count)
            FastMath.sin(p.pointer, into: imag.pointer, count: m.count)
            for j in 0..<m.count {
                real.pointer[j] *= m.pointer[j]
                imag.pointer[j] *= m.pointer[j]
            }
        }
    }
}
