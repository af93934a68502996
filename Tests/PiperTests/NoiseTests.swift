import Foundation
import Piper
import SottoCore
import Testing

/// With noise on, Sotto draws its own Gaussian noise from a seed: the same seed reproduces a
/// take exactly, another seed gives another take, and the durations stay those of speech.
@Suite struct NoiseTests {
    static func take(seed: UInt64, noiseScale: Float = 0.667, noiseW: Float = 0.8) throws -> PiperSynthesis {
        let reference = try ReferenceCase("joe-fox")
        var noise = GaussianNoise(seed: seed)
        let options = PiperSynthesisOptions(noiseScale: noiseScale, lengthScale: 1, noiseW: noiseW)
        return try RealVoice.joe.get().synthesize(ids: reference.ids, options: options, noise: &noise)
    }

    @Test func sameSeedSameTake() throws {
        let a = try Self.take(seed: 42), b = try Self.take(seed: 42)
        #expect(a.durations == b.durations)
        #expect(a.audio == b.audio)
    }

    @Test func differentSeedsDifferentTakes() throws {
        let a = try Self.take(seed: 1), b = try Self.take(seed: 2)
        #expect(a.durations != b.durations)
        if a.audio.count == b.audio.count {
            #expect(relativeRMS(a.audio, b.audio) > 0.1)
        }
    }

    /// Durations with noise_w 0.8 scatter around the deterministic ones as speech timing does:
    /// every id lasts at least a frame, none grows absurdly, and the sentence stays within a
    /// factor of 1.5 of its noiseless length (piper's own takes vary by about ±15 %).
    @Test(arguments: [3, 4, 5, 6] as [UInt64])
    func durationsStayPlausible(_ seed: UInt64) throws {
        let quiet = try ReferenceCase("joe-fox").durations
        let noisy = try Self.take(seed: seed)
        #expect(noisy.durations.count == quiet.count)
        #expect(noisy.durations.allSatisfy { $0 >= 1 && $0 <= 60 })
        let ratio = Double(noisy.durations.reduce(0, +)) / Double(quiet.reduce(0, +))
        #expect(ratio > 1 / 1.5 && ratio < 1.5, "total frames changed by a factor \(ratio)")
        #expect(peak(noisy.audio) > 0.05 && peak(noisy.audio) <= 1)
    }

    /// noise_scale alone moves the waveform but not the durations; noise_w alone the durations.
    @Test func eachScaleMovesItsOwnStage() throws {
        let quiet = try ReferenceCase("joe-fox")
        let latentOnly = try Self.take(seed: 9, noiseScale: 0.667, noiseW: 0)
        #expect(latentOnly.durations == (try quiet.durations))
        #expect(relativeRMS(latentOnly.audio, try quiet.floats("audio")) > 0.05)
        let durationOnly = try Self.take(seed: 9, noiseScale: 0, noiseW: 0.8)
        #expect(durationOnly.durations != (try quiet.durations))
    }

    @Test func generatorIsStandardNormalAndReproducible() {
        var a = GaussianNoise(seed: 7), b = GaussianNoise(seed: 7), c = GaussianNoise(seed: 8)
        let n = 200_000
        let x = a.draw(n)
        #expect(x == b.draw(n))
        #expect(x != c.draw(n))
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
        // Five standard errors: mean ~ N(0, 1/n), variance ~ N(1, 2/n).
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
        let tail = x.filter { abs($0) > 2 }.count
        #expect(abs(Double(tail) / Double(n) - 0.0455) < 0.003, "P(|z| > 2) should be 4.55 %")
    }
}
