import Foundation
import SottoKernels

/// A log-mel spectrogram (24 kHz, n_fft 1024, hop 256, 80 Slaney-style triangular bands up to
/// 12 kHz) for comparing audio the way a listener would: spectral envelope and level per
/// frame, not sample phase.
enum LogMel {
    static let fftSize = 1024, hop = 256, bands = 80, sampleRate = 24_000.0

    /// `[frames][bands]` in dB (10·log10 of band power, floored at -100 dB).
    static func decibels(_ audio: [Float]) -> [[Double]] {
        let stft = STFT(fftSize: fftSize, hopSize: hop, window: Window.hann(fftSize, periodic: true), center: true, padMode: .reflect)
        let workspace = Workspace()
        let (re, im) = stft.forward(Tensor(shape: [audio.count], values: audio), workspace: workspace)
        let bins = re.shape[0], frames = re.shape[1]
        let filters = melFilters(bins: bins)
        var out: [[Double]] = []
        for f in 0..<frames {
            var power = [Double](repeating: 0, count: bins)
            for b in 0..<bins {
                let r = Double(re.pointer[b * frames + f]), i = Double(im.pointer[b * frames + f])
                power[b] = r * r + i * i
            }
            out.append(filters.map { filter in
                let energy = zip(filter, power).reduce(0) { $0 + $1.0 * $1.1 }
                return 10 * log10(max(energy, 1e-10))
            })
        }
        return out
    }

    static func melFilters(bins: Int) -> [[Double]] {
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }
        let top = mel(sampleRate / 2)
        let edges = (0...(bands + 1)).map { hz(top * Double($0) / Double(bands + 1)) }
        return (0..<bands).map { band in
            (0..<bins).map { bin in
                let f = Double(bin) * sampleRate / Double(fftSize)
                let lo = edges[band], mid = edges[band + 1], hi = edges[band + 2]
                if f <= lo || f >= hi { return 0 }
                return f < mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid)
            }
        }
    }

    /// Mean |Δ dB| over the bands of frames where the reference is within 60 dB of its loudest
    /// band (silence, whose level is arbitrary, is left out).
    static func meanAbsoluteDifference(_ a: [Float], _ reference: [Float]) -> Double {
        let x = decibels(a), y = decibels(reference)
        let loudest = y.flatMap { $0 }.max() ?? 0
        var total = 0.0, count = 0
        for (fx, fy) in zip(x, y) {
            for (vx, vy) in zip(fx, fy) where vy > loudest - 60 {
                total += abs(max(vx, loudest - 60) - vy)
                count += 1
            }
        }
        return total / Double(max(count, 1))
    }
}
