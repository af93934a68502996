import Foundation
import SottoKernels

/// The short-time spectrum of one take on a mel axis, extended as the take grows.
///
/// The analysis is the one speech tools show: a Hann-windowed STFT of 1024 samples every 256 at
/// 24 kHz (the nearest power of two to the same 43 ms at other rates, hop a quarter of it),
/// power in dB relative to a full-scale sine, reduced to `bands` mel bands (HTK scale, 0 Hz to
/// Nyquist), each the loudest FFT bin inside it. Frames are uncentred, so a frame once computed
/// never changes and new audio costs only its own frames.
public final class Spectrogram {
    public static let bands = 128
    /// Levels this far under the take's loudest band are drawn as nothing (Praat's default
    /// dynamic range: enough for formants and fricatives, little of the noise floor).
    public static let rangeDecibels = 50.0
    /// Below this (dB re full scale) a band is silence, however quiet the take.
    public static let floorDecibels = -100.0

    public let sampleRate: Int
    public let fftSize: Int
    public let hopSize: Int
    private let stft: STFT
    private let workspace = Workspace()
    /// The FFT bins each mel band takes its level from.
    private let bandBins: [Range<Int>]
    /// 1 / (window sum / 2)²: a full-scale sine's peak bin becomes 0 dB.
    private let powerScale: Float

    /// `[frames][bands]` in dB, flat.
    private var decibels: [Float] = []
    public private(set) var frameCount = 0
    /// Frames the samples seen so far hold, analysed or not.
    public private(set) var availableFrames = 0
    /// Samples seen so far (the time the columns span).
    public private(set) var sampleCount = 0
    public private(set) var peakDecibels = -Double.infinity
    private var lastImage: (key: [Int], image: SpectrogramImage)?

    public init(sampleRate: Int) {
        self.sampleRate = max(1, sampleRate)
        let scaled = 1024.0 * Double(self.sampleRate) / 24_000
        fftSize = max(64, 1 << Int(log2(scaled).rounded()))
        hopSize = fftSize / 4
        let window = Window.hann(fftSize, periodic: true)
        stft = STFT(fftSize: fftSize, hopSize: hopSize, window: window, center: false)
        let gain = window.reduce(0, +) / 2
        powerScale = 1 / (gain * gain)
        bandBins = Self.bandBins(fftSize: fftSize, sampleRate: self.sampleRate, bands: Self.bands)
    }

    public static func hzToMel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
    public static func melToHz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }

    /// The band a frequency falls in (0 is the lowest).
    public static func band(ofHz hz: Double, sampleRate: Int, bands: Int = Spectrogram.bands) -> Int {
        let top = hzToMel(Double(sampleRate) / 2)
        return min(bands - 1, max(0, Int(hzToMel(hz) / top * Double(bands))))
    }

    /// Each band's bins: those whose frequency falls in it, or, for a band narrower than a bin
    /// (low frequencies), the bin nearest its middle.
    static func bandBins(fftSize: Int, sampleRate: Int, bands: Int) -> [Range<Int>] {
        let binHz = Double(sampleRate) / Double(fftSize)
        let binCount = fftSize / 2 + 1
        var ranges = [Range<Int>](repeating: 0..<0, count: bands)
        var bin = 0
        for band in 0..<bands {
            let start = bin
            while bin < binCount, Self.band(ofHz: Double(bin) * binHz, sampleRate: sampleRate, bands: bands) == band { bin += 1 }
            if bin > start {
                ranges[band] = start..<bin
            } else {
                let top = hzToMel(Double(sampleRate) / 2)
                let middle = melToHz((Double(band) + 0.5) / Double(bands) * top)
                let nearest = min(binCount - 1, Int((middle / binHz).rounded()))
                ranges[band] = nearest..<(nearest + 1)
            }
        }
        return ranges
    }

    /// Whether every frame of the samples seen is analysed.
    public var isComplete: Bool { frameCount == availableFrames }

    /// Analyses the frames of `samples` (the take so far, from its start) not yet analysed, at
    /// most `frameBudget` of them: a long take is then analysed over a few screen refreshes
    /// rather than in one pause (columns not yet analysed stay blank).
    public func update(_ samples: [Float], frameBudget: Int = .max) {
        sampleCount = samples.count
        guard samples.count >= fftSize else { return }
        availableFrames = 1 + (samples.count - fftSize) / hopSize
        let available = frameCount + min(availableFrames - frameCount, max(1, frameBudget))
        guard available > frameCount else { return }
        let start = frameCount * hopSize
        let end = (available - 1) * hopSize + fftSize
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let signal = Tensor(shape: [end - start], values: Array(samples[start..<end]))
        let (real, imag) = stft.forward(signal, workspace: workspace)
        let frames = available - frameCount
        var added = [Float](repeating: 0, count: frames * Self.bands)
        withExtendedLifetime((real, imag)) {
            let re = real.pointer, im = imag.pointer
            for frame in 0..<frames {
                for (band, bins) in bandBins.enumerated() {
                    var power: Float = 0
                    for bin in bins {
                        let index = bin * frames + frame
                        power = max(power, re[index] * re[index] + im[index] * im[index])
                    }
                    added[frame * Self.bands + band] = 10 * log10(max(power * powerScale, 1e-20))
                }
            }
        }
        decibels += added
        frameCount = available
        if let loudest = added.max() { peakDecibels = max(peakDecibels, Double(loudest)) }
    }

    /// The spectrum as `columns` × `rows` levels in 0...1, time left to right across the samples
    /// seen, low frequencies at the bottom. Kept until the take, the size or the audio changes.
    public func image(columns: Int, rows: Int) -> SpectrogramImage {
        let key = [columns, rows, frameCount, sampleCount, availableFrames]
        if let lastImage, lastImage.key == key { return lastImage.image }
        let image = render(columns: max(0, columns), rows: max(0, rows))
        lastImage = (key, image)
        return image
    }

    private func render(columns: Int, rows: Int) -> SpectrogramImage {
        var levels = [Double](repeating: 0, count: columns * rows)
        guard columns > 0, rows > 0, frameCount > 0, peakDecibels > Self.floorDecibels else {
            return SpectrogramImage(columns: columns, rows: rows, levels: levels)
        }
        let lowest = max(peakDecibels - Self.rangeDecibels, Self.floorDecibels)
        let span = max(peakDecibels - lowest, 1e-6)
        for column in 0..<columns {
            let frames = frameRange(column: column, columns: columns)
            for row in 0..<rows {
                let fromBottom = rows - 1 - row
                let first = fromBottom * Self.bands / rows
                let bands = first..<max(first + 1, (fromBottom + 1) * Self.bands / rows)
                var loudest = -Double.infinity
                for frame in frames {
                    for band in bands { loudest = max(loudest, Double(decibels[frame * Self.bands + band])) }
                }
                levels[row * columns + column] = min(1, max(0, (loudest - lowest) / span))
            }
        }
        return SpectrogramImage(columns: columns, rows: rows, levels: levels)
    }

    /// The frames whose middles fall in the column's stretch of time, or the nearest one.
    private func frameRange(column: Int, columns: Int) -> Range<Int> {
        let total = Double(max(sampleCount, fftSize))
        let from = Double(column) * total / Double(columns), to = Double(column + 1) * total / Double(columns)
        let middle = Double(fftSize) / 2, hop = Double(hopSize)
        let first = max(0, Int(((from - middle) / hop).rounded(.up)))
        let last = min(frameCount, Int(((to - middle) / hop).rounded(.up)))
        if first < last { return first..<last }
        // Frames still to be analysed are not stood in for by the last one that was.
        if first >= frameCount && !isComplete { return 0..<0 }
        let nearest = min(frameCount - 1, max(0, Int((((from + to) / 2 - middle) / hop).rounded())))
        return nearest..<(nearest + 1)
    }
}

/// A spectrogram reduced to screen cells: `levels[row * columns + column]`, row 0 the top
/// (highest frequencies), 0 nothing, 1 the take's loudest.
public struct SpectrogramImage: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public var levels: [Double]

    public func level(row: Int, column: Int) -> Double { levels[row * columns + column] }
}
