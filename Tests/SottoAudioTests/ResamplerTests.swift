import Foundation
import SottoAudio
import Testing

private func sine(frequency: Double, rate: Int, frames: Int, amplitude: Double = 0.5) -> [Float] {
    (0..<frames).map { Float(amplitude * sin(2 * .pi * frequency * Double($0) / Double(rate))) }
}

/// Amplitude of the `frequency` component of `samples[range]`, by least squares against a sine and
/// a cosine: a single DFT bin that need not fall on a bin centre.
private func amplitude(of frequency: Double, in samples: [Float], rate: Int, range: Range<Int>) -> Double {
    var ss = 0.0, cc = 0.0, sc = 0.0, ys = 0.0, yc = 0.0
    for index in range {
        let angle = 2 * .pi * frequency * Double(index) / Double(rate)
        let (s, c, y) = (sin(angle), cos(angle), Double(samples[index]))
        ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c
    }
    let determinant = ss * cc - sc * sc
    let a = (ys * cc - yc * sc) / determinant
    let b = (yc * ss - ys * sc) / determinant
    return (a * a + b * b).squareRoot()
}

private func rms(_ samples: ArraySlice<Float>) -> Double {
    (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
}

/// The middle of a signal, away from the edges where the filter sees silence outside the input.
private func interior(_ count: Int) -> Range<Int> { (count / 10)..<(count - count / 10) }

private let ratios: [(Int, Int)] = [
    (24_000, 22_050), (22_050, 48_000), (22_050, 24_000), (16_000, 44_100), (48_000, 16_000),
    (44_100, 47_999),  // 47999 is prime, so output positions are interpolated in a finer table
]

@Suite("Band-limited resampling")
struct ResamplerTests {
    @Test(arguments: ratios)
    func aOneKilohertzToneKeepsItsFrequencyAndAmplitude(from: Int, to: Int) {
        let input = sine(frequency: 1_000, rate: from, frames: from)
        let output = Resampler.resample(input, from: from, to: to)
        let middle = interior(output.count)

        // Sample for sample, the output is the same tone sampled at the new rate.
        let ideal = sine(frequency: 1_000, rate: to, frames: output.count)
        let worst = middle.map { abs(Double(output[$0] - ideal[$0])) }.max()!
        #expect(worst < 0.005, "1 % of the amplitude")

        #expect(abs(amplitude(of: 1_000, in: output, rate: to, range: middle) - 0.5) < 0.005)
        #expect(abs(rms(output[middle]) - 0.5 / 2.0.squareRoot()) < 0.5 / 2.0.squareRoot() * 0.01)

        // Zero crossings: two per cycle.
        var crossings: [Double] = []
        for index in middle.dropLast() where (output[index] < 0) != (output[index + 1] < 0) {
            let fraction = Double(output[index]) / Double(output[index] - output[index + 1])
            crossings.append(Double(index) + fraction)
        }
        let periods = Double(crossings.count - 1) / 2
        let measured = periods / ((crossings.last! - crossings.first!) / Double(to))
        #expect(abs(measured - 1_000) < 1)
    }

    @Test(arguments: [0, 1, 2, 7, 100, 1_001, 22_049, 22_050])
    func theOutputLengthIsTheRoundedRatio(length: Int) {
        for (from, to) in ratios + [(8_000, 48_000), (48_000, 8_000), (3, 2)] {
            let expected = Int((Double(length) * Double(to) / Double(from)).rounded())
            let output = Resampler.resample([Float](repeating: 0.1, count: length), from: from, to: to)
            #expect(output.count == expected, "\(from) → \(to)")
            #expect(Resampler.outputLength(forInputLength: length, from: from, to: to) == expected)
        }
    }

    @Test(arguments: [(24_000, 16_000, 10_000.0), (48_000, 22_050, 15_000.0), (44_100, 16_000, 9_000.0)])
    func aToneAboveTheNewNyquistIsRemoved(from: Int, to: Int, frequency: Double) {
        let input = sine(frequency: frequency, rate: from, frames: from)
        let output = Resampler.resample(input, from: from, to: to)
        let middle = interior(output.count)
        // Below -60 dB of the input level.
        #expect(rms(output[middle]) < rms(input[...]) * 0.001)
    }

    @Test func imagesAboveTheOldNyquistAreRemovedWhenUpsampling() {
        let input = sine(frequency: 10_000, rate: 22_050, frames: 22_050)
        let output = Resampler.resample(input, from: 22_050, to: 48_000)
        let middle = interior(output.count)
        #expect(abs(amplitude(of: 10_000, in: output, rate: 48_000, range: middle) - 0.5) < 0.005)
        // The mirror image of 10 kHz about the old Nyquist (11025 Hz).
        #expect(amplitude(of: 12_050, in: output, rate: 48_000, range: middle) < 0.5 * 0.001)
    }

    @Test func thePassbandIsFlatUpToNinetyPercentOfTheLowerNyquist() {
        // 24000 → 16000: 0.9 × 8 kHz.
        let input = sine(frequency: 7_200, rate: 24_000, frames: 24_000)
        let output = Resampler.resample(input, from: 24_000, to: 16_000)
        #expect(abs(amplitude(of: 7_200, in: output, rate: 16_000, range: interior(output.count)) - 0.5) < 0.005)
    }

    @Test func aConstantStaysConstant() {
        let output = Resampler.resample([Float](repeating: 0.3, count: 5_000), from: 22_050, to: 24_000)
        let middle = interior(output.count)
        #expect(middle.allSatisfy { abs(output[$0] - 0.3) < 1e-6 })
    }

    @Test func equalRatesReturnTheInputUntouched() {
        let input = sine(frequency: 440, rate: 24_000, frames: 999) + [2, -3]
        #expect(Resampler.resample(input, from: 24_000, to: 24_000) == input)
        var stream = Resampler(from: 16_000, to: 16_000).makeStream()
        #expect(stream.process(input) + stream.finish() == input)
    }

    @Test(arguments: ratios)
    func streamingInPiecesMatchesTheWholeSignalExactly(from: Int, to: Int) {
        let input = sine(frequency: 700, rate: from, frames: 20_000).enumerated().map {
            $0.element + Float($0.offset % 17) * 0.01
        }
        let resampler = Resampler(from: from, to: to)
        let whole = resampler.resample(input)
        var stream = resampler.makeStream()
        var pieces: [Float] = []
        var start = 0
        var generator = SplitMix(seed: UInt64(from * 31 + to))
        while start < input.count {
            let size = min(input.count - start, Int(generator.next() % 3_000))
            pieces += stream.process(Array(input[start..<(start + size)]))
            start += size
        }
        pieces += stream.finish()
        #expect(pieces == whole)
    }

    @Test func everyChannelIsResampledOnItsOwn() {
        let left = sine(frequency: 500, rate: 22_050, frames: 4_410)
        let right = sine(frequency: 1_500, rate: 22_050, frames: 4_410, amplitude: 0.2)
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        let audio = AudioData(samples: interleaved, sampleRate: 22_050, channels: 2)
        let resampler = Resampler(from: 22_050, to: 16_000)
        let output = resampler.resample(audio)
        #expect(output.sampleRate == 16_000)
        #expect(output.channels == 2)
        let expectedLeft = resampler.resample(left)
        let expectedRight = resampler.resample(right)
        #expect(output.frameCount == expectedLeft.count)
        #expect(stride(from: 0, to: output.samples.count, by: 2).map { output.samples[$0] } == expectedLeft)
        #expect(stride(from: 1, to: output.samples.count, by: 2).map { output.samples[$0] } == expectedRight)
    }
}

/// A small seeded generator, so chunk sizes are varied but the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
