import Foundation
import SottoCore
import SottoKernels

/// The speaker encoder's input features, as the reference's `mel_spectrogram` computes them for
/// 24 kHz audio: the signal reflect-padded by (n_fft − hop)/2 on both sides, an uncentred STFT
/// (n_fft 1024, hop 256, periodic Hann), magnitudes sqrt(re² + im² + 1e-9), 128 Slaney mel
/// filters up to 12 kHz, and log(max(x, 1e-5)).
public struct LogMelSpectrogram: Sendable {
    public static let sampleRate = 24000
    public static let fftSize = 1024
    public static let hopSize = 256
    public static let bins = 128

    let stft: STFT
    let filterbank: MelFilterbank
    let filters: Tensor

    public init() {
        stft = STFT(fftSize: Self.fftSize, hopSize: Self.hopSize, window: Window.hann(Self.fftSize, periodic: true),
                    center: false)
        filterbank = MelFilterbank(sampleRate: Self.sampleRate, fftSize: Self.fftSize, bins: Self.bins,
                                   minimumHz: 0, maximumHz: 12000)
        filters = Tensor(shape: [Self.bins, filterbank.frequencies], values: filterbank.weights)
    }

    static var padding: Int { (fftSize - hopSize) / 2 }

    /// Frames for `samples` samples: one per hop of the padded signal.
    public static func frameCount(samples: Int) -> Int {
        let padded = samples + 2 * padding
        return padded < fftSize ? 0 : 1 + (padded - fftSize) / hopSize
    }

    /// `[128, frames]` features of 24 kHz mono `samples`.
    public func callAsFunction(_ samples: [Float], workspace: Workspace) throws -> Tensor {
        // Reflect padding needs more samples than it mirrors.
        guard samples.count > Self.padding else {
            throw SottoError("the reference audio is too short for speaker features (\(samples.count) samples at 24 kHz)")
        }
        let signal = Tensor(shape: [1, samples.count], values: samples)
        let padded = Padding.symmetric(Self.padding, mode: .reflect)(signal, workspace: workspace)
        let (real, imag) = stft.forward(padded.reshaped([-1]), workspace: workspace)
        let frames = real.shape[1]
        let magnitude = workspace.tensor([filterbank.frequencies, frames])
        let count = filterbank.frequencies * frames
        withExtendedLifetime((real, imag, magnitude)) {
            let re = real.pointer, im = imag.pointer, out = magnitude.pointer
            for i in 0 ..< count { out[i] = (re[i] * re[i] + im[i] * im[i] + 1e-9).squareRoot() }
        }
        let mel = workspace.tensor([Self.bins, frames])
        BLAS.sgemm(m: Self.bins, n: frames, k: filterbank.frequencies, a: filters.pointer, lda: filterbank.frequencies,
                   b: magnitude.pointer, ldb: frames, c: mel.pointer, ldc: frames)
        withExtendedLifetime(mel) {
            let p = mel.pointer
            for i in 0 ..< Self.bins * frames { p[i] = log(max(p[i], 1e-5)) }
        }
        return mel
    }
}
