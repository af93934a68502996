import Foundation
import Piper
import SottoCore
import Testing

/// Sotto's Piper model against onnxruntime on the same voice and ids (fixtures from
/// Scripts/fixtures/make_piper_fixtures.py): en_US-joe-medium and three synthetic voices built
/// with piper's training code (multi-speaker, odd sizes, ResBlock1 and ResBlock2 decoders, the
/// deterministic duration predictor). Noise, where a case has it, is onnxruntime's own draws,
/// injected.
///
/// Tolerances. Both runtimes compute in float32 (unit roundoff u = 6e-8) but sum in different
/// orders (MLAS vs OpenBLAS blocking) and approximate exp/tanh/erf differently, so each layer
/// adds relative noise of a few u·√K for K-term sums (K up to 1344): about 1e-6. It compounds
/// through the 6 encoder layers (bound 2e-5 of the tensor's peak), the 4 coupling layers with 16
/// WaveNet layers (1e-4), and the decoder's ~40 convolutions, where it is also amplified
/// (5e-4 of the waveform's peak, 2e-4 in RMS; that is −66 dB and −74 dB, far below audibility
/// and about 1000 times smaller than what a wrong slope, bias or tap produces). Log widths come
/// out of the encoder and three spline flows with DDSConvs (measured ≤ 2e-5 relative where
/// OpenBLAS runs its AVX-512 kernels, 1.05e-4 for one width of joe-fox with its AVX2 (Zen)
/// kernels, whose sums run in another order; bound 2e-4). Frame counts are compared exactly:
/// each is the ceiling of a width whose error is far
/// below its distance to the nearest integer in every fixture (≥ 1.4e-3).
enum Tolerance {
    static let encoder: Float = 2e-5
    static let widths: Float = 2e-4
    static let latent: Float = 1e-4
    static let audioPeak: Float = 5e-4
    static let audioRMS = 2e-4
}

struct CaseList: Decodable {
    let file: String
    let voice: String
    let speaker: Int?
}

let referenceCases: [String] = {
    let data = (try? Data(contentsOf: Fixtures.url("cases.json"))) ?? Data("[]".utf8)
    let cases = (try? JSONDecoder().decode([CaseList].self, from: data)) ?? []
    return cases.map { String($0.file.dropLast(4)) }
}()

func model(for caseName: String) throws -> PiperModel {
    caseName.hasPrefix("joe-") ? try RealVoice.joe.get() : try SyntheticVoice.get(String(caseName.split(separator: "-")[1]))
}

@Suite struct ReferenceTests {
    @Test func everyFixtureIsListed() {
        #expect(referenceCases.count >= 18)
        #expect(referenceCases.contains("joe-hello") && referenceCases.contains("tiny-multi-noise"))
    }

    @Test(arguments: referenceCases)
    func matchesOnnxruntime(_ name: String) throws {
        let reference = try ReferenceCase(name)
        let piper = try model(for: name)
        var unused = GaussianNoise(seed: 99)
        let result = try piper.synthesize(ids: reference.ids, options: reference.options(), noise: &unused)

        #expect(result.durations == (try reference.durations), "frame counts differ")
        let widths = try reference.floats("widths")
        #expect(result.widths.count == widths.count)
        for (i, (w, expected)) in zip(result.widths, widths).enumerated() {
            #expect(abs(w - expected) <= Tolerance.widths * max(expected, 1), "width \(i): \(w) vs \(expected)")
        }
        if reference.has("m_p"), let stages = result.stages {
            expectClose(stages.encoderHidden.values, try reference.floats("enc_hidden"), tolerance: Tolerance.encoder, "encoder")
            expectClose(stages.mean.values, try reference.floats("m_p"), tolerance: Tolerance.encoder, "m_p")
            expectClose(stages.logScale.values, try reference.floats("logs_p"), tolerance: Tolerance.encoder, "logs_p")
            expectClose(stages.logWidths, try reference.floats("logw"), tolerance: Tolerance.encoder, "log w")
            if result.durations == (try reference.durations) {
                expectClose(stages.priorLatent.values, try reference.floats("z_p"), tolerance: Tolerance.latent, "z_p")
                expectClose(stages.latent.values, try reference.floats("z"), tolerance: Tolerance.latent, "z")
            }
        }
        let audio = try reference.floats("audio")
        #expect(result.audio.count == result.durations.reduce(0, +) * piper.hopLength)
        guard result.audio.count == audio.count else {
            Issue.record("audio length \(result.audio.count), expected \(audio.count)")
            return
        }
        expectClose(result.audio, audio, tolerance: Tolerance.audioPeak, "audio")
        #expect(relativeRMS(result.audio, audio) <= Tolerance.audioRMS)
    }

    /// The decoder and flow alone: onnxruntime's frame counts injected, no duration predictor.
    @Test func injectedDurationsReproduceTheReference() throws {
        let reference = try ReferenceCase("joe-fox")
        var options = try reference.options(recordStages: false)
        options.durations = try reference.durations
        var unused = GaussianNoise(seed: 1)
        let result = try RealVoice.joe.get().synthesize(ids: reference.ids, options: options, noise: &unused)
        #expect(result.widths.isEmpty)
        expectClose(result.audio, try reference.floats("audio"), tolerance: Tolerance.audioPeak, "audio")
    }

    /// The comparison is sharp enough to see a one-frame change in one id's duration.
    @Test func aShiftedFrameIsDetected() throws {
        let reference = try ReferenceCase("tiny-odd-base")
        var options = try reference.options(recordStages: false)
        var durations = try reference.durations
        let longest = durations.indices.max { durations[$0] < durations[$1] }!
        durations[longest] -= 1
        durations[longest + 1 < durations.count ? longest + 1 : longest - 1] += 1
        options.durations = durations
        var unused = GaussianNoise(seed: 1)
        let result = try SyntheticVoice.get("odd").synthesize(ids: reference.ids, options: options, noise: &unused)
        let audio = try reference.floats("audio")
        #expect(result.audio.count == audio.count)
        #expect(relativeRMS(result.audio, audio) > 100 * Tolerance.audioRMS)
    }

    /// Speakers condition the duration predictor, the flow and the decoder: onnxruntime's takes
    /// for two speakers differ, and Sotto follows each.
    @Test(arguments: ["multi", "plain"])
    func speakersAreDistinct(_ voice: String) throws {
        let first = try ReferenceCase("tiny-\(voice)-first"), base = try ReferenceCase("tiny-\(voice)-base")
        #expect(first.speaker != base.speaker)
        #expect((try first.floats("audio")) != (try base.floats("audio")))
        let piper = try SyntheticVoice.get(voice)
        var unused = GaussianNoise(seed: 1)
        var options = try first.options(recordStages: false)
        options.speaker = base.speaker
        let swapped = try piper.synthesize(ids: first.ids, options: options, noise: &unused)
        #expect(swapped.durations == (try base.durations))
        expectClose(swapped.audio, try base.floats("audio"), tolerance: Tolerance.audioPeak, "audio with the other speaker")
    }
}
