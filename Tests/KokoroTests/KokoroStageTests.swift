import Foundation
import Kokoro
import SottoCore
import SottoKernels
import Testing

/// Sotto's Kokoro against onnxruntime on the same int8 file, stage by stage, for the sentences in
/// Fixtures (Scripts/fixtures/make_kokoro_fixtures.py).
///
/// Why the tolerances are what they are: Sotto computes in float32 from the dequantised weights,
/// while onnxruntime quantises every MatMul and Conv input to uint8 on the fly (one scale per
/// tensor, 255 steps over its range). That rounding is ≈ range/(255·√12) per value, about 1–2 % of
/// a layer's RMS for MatMul inputs and ≈ 0.5 % for the convolutions (measured on single layers:
/// 0.4–2 % max error). Independent errors of N such layers add up to ≈ ε·√N of the output RMS,
/// so each bound below is that estimate for the stage's depth with a margin of about 1.5×; the
/// measured values are in comments. A wrong weight, gate order or wiring moves these numbers to
/// 30–100 %, far beyond the bounds.
@Suite(.serialized) struct KokoroStageTests {
    struct Run {
        let fixture: KokoroFixture
        let taps: [String: [Float]]
        let output: KokoroOutput
    }

    /// Each fixture synthesized once per kernel tier with onnxruntime's durations injected, every
    /// stage tapped.
    static func runs(_ tier: KernelTier) throws -> [Run] {
        try TierCache.runs.value(for: tier) {
            let model = try RealKokoro.model(tier)
            guard !KokoroFixture.all.isEmpty else { throw SottoError("no Kokoro fixtures found") }
            return try KokoroFixture.all.map { fixture in
                var taps: [String: [Float]] = [:]
                let output = try model.synthesize(ids: fixture.ids, style: fixture.style, speed: fixture.speed,
                                                  durations: fixture.durations, workspace: Workspace()) { name, tensor in
                    taps[name] = tensor.contiguous().toArray()
                }
                return Run(fixture: fixture, taps: taps, output: output)
            }
        }
    }

    enum TierCache {
        static let runs = PerTier<[Run]>()
    }

    static func expectStage(_ run: Run, _ key: String, below bound: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = run.fixture.values(key)
        guard let actual = run.taps[key], actual.count == expected.count, !expected.isEmpty else {
            Issue.record("\(run.fixture.name) \(key): \(run.taps[key]?.count ?? 0) values, expected \(expected.count)",
                         sourceLocation: sourceLocation)
            return
        }
        let d = Discrepancy(actual, expected)
        #expect(d.relativeRMS < bound, "\(run.fixture.name) \(key): \(d)", sourceLocation: sourceLocation)
    }

    /// ALBERT runs its shared layer 12 times: 72 quantised MatMuls plus the two projections,
    /// ε·√74 ≈ 1.5 %·8.6 ≈ 13 % (measured 10–12 %). The duration encoder's three quantised LSTMs
    /// and AdaLayerNorms then dilute it (measured 4–6 %). Where the layers run on bytes as
    /// onnxruntime does (AVX-512 VNNI) the distance stays the same (measured 9–14 %, then 3–7 %):
    /// one layer agrees bit for bit (ByteLinearTests), but softmax, LayerNorm and GELU differ from
    /// onnxruntime's in their last bits, each such difference moves some of the next layer's
    /// roundings to 8 bits, and over 12 layers those moves are as large as the quantisation itself.
    static func textEncoders(_ tier: KernelTier) throws {
        for run in try Self.runs(tier) {
            expectStage(run, "d_en", below: 0.2)
            expectStage(run, "d", below: 0.12)
            // Three convolutions and one LSTM: ≈ 0.5 %·√4 (measured 0.5 %).
            expectStage(run, "t_en", below: 0.015)
            expectStage(run, "asr", below: 0.015)
        }
    }

    /// Durations are sums of 50 sigmoids: relative error ≈ 1 % (measured 0.6–1 %), at most
    /// 0.18 frames. Rounding then agrees wherever onnxruntime's value is not within that of .5;
    /// near .5 either side is right (2.48 vs 2.52 are the same to the model's precision).
    static func durations(_ tier: KernelTier) throws {
        let model = try RealKokoro.model(tier)
        for fixture in KokoroFixture.all {
            let output = try model.synthesize(ids: fixture.ids, style: fixture.style, speed: fixture.speed, workspace: Workspace())
            let reference = fixture.values("dur_float")
            var predicted: [Float] = []
            _ = try model.synthesize(ids: fixture.ids, style: fixture.style, speed: fixture.speed, durations: fixture.durations,
                                     workspace: Workspace()) { name, t in if name == "dur_float" { predicted = t.toArray() } }
            #expect(predicted.count == reference.count)
            for (i, (ours, theirs)) in zip(predicted, reference).enumerated() {
                #expect(abs(ours - theirs) < 0.35, "\(fixture.name) token \(i): \(ours) frames, onnxruntime \(theirs)")
                let nearHalf = abs(theirs - theirs.rounded(.down) - 0.5) < 0.35
                if !nearHalf {
                    #expect(output.durations[i] == fixture.durations[i], "\(fixture.name) token \(i) (\(theirs) frames)")
                }
            }
            #expect(output.audio.count == KokoroModel.samplesPerFrame * output.durations.reduce(0, +))
        }
    }

    /// F0 and energy come from a quantised LSTM and six AdaIN residual blocks with 15 quantised
    /// layers: ≈ 0.5 %·√15 ≈ 2 % (measured 0.3–1.4 % for F0, 0.5–0.6 % for energy).
    static func prosodyCurves(_ tier: KernelTier) throws {
        for run in try Self.runs(tier) {
            expectStage(run, "f0", below: 0.04)
            expectStage(run, "n", below: 0.02)
        }
    }

    /// The decoder fed onnxruntime's own inputs: five AdaIN residual blocks, 15 quantised convs and
    /// 10 quantised style projections, ≈ 0.7 %·√25 ≈ 3.5 % (measured 3.4–3.8 %).
    static func decoderInIsolation(_ tier: KernelTier) throws {
        let model = try RealKokoro.model(tier)
        for fixture in KokoroFixture.all {
            let frames = fixture.durations.reduce(0, +)
            let features = model.decoderFeatures(asr: fixture.values("asr"), frames: frames, f0: fixture.values("f0"),
                                                 noise: fixture.values("n"), style: fixture.style, workspace: Workspace())
            let d = Discrepancy(features, fixture.values("decode3"))
            #expect(d.relativeRMS < 0.06, "\(fixture.name) decode3: \(d)")
        }
    }

    /// The harmonic source has no quantised layer: what differs is float32 rounding of phases that
    /// reach 10⁵ rad (one ulp ≈ 0.008 rad, times the 0.1 sine amplitude), measured 0.03–0.08 %.
    static func harmonicSourceInIsolation(_ tier: KernelTier) throws {
        let model = try RealKokoro.model(tier)
        for fixture in KokoroFixture.all {
            let harmonic = model.harmonicSource(f0: fixture.values("f0"), workspace: Workspace())
            let d = Discrepancy(harmonic, fixture.values("harmonic"))
            #expect(d.relativeRMS < 0.005, "\(fixture.name) harmonic: \(d)")
        }
    }

    /// Audio is judged as a listener hears it: the same length, the same loudness, and log-mel
    /// spectra within a couple of dB. Sample-wise differences are not meaningful here: the
    /// generator stacks some 50 quantised convolutions, and small phase shifts of the harmonics
    /// move samples by a lot while the spectrum stays put (measured 1.25–1.45 dB mean log-mel
    /// difference from onnxruntime's own decoder output, 1.6–1.8 dB for the whole model). A
    /// different voice on the same phonemes measures several times that, which the test checks
    /// too, so the bound does separate right from wrong.
    static func audio(_ tier: KernelTier) throws {
        let model = try RealKokoro.model(tier)
        for run in try Self.runs(tier) {
            let reference = run.fixture.values("audio")
            #expect(run.output.audio.count == reference.count)
            guard run.output.audio.count == reference.count else { continue }
            let full = LogMel.meanAbsoluteDifference(run.output.audio, reference)
            #expect(full < 2.5, "\(run.fixture.name): whole model \(full) dB from onnxruntime")
            let generated = model.generate(features: run.fixture.values("decode3"), f0: run.fixture.values("f0"),
                                           style: run.fixture.style, workspace: Workspace())
            let isolated = LogMel.meanAbsoluteDifference(generated, reference)
            #expect(isolated < 2.2, "\(run.fixture.name): generator alone \(isolated) dB from onnxruntime")
            let ratio = Self.rms(run.output.audio) / Self.rms(reference)
            #expect(abs(ratio - 1) < 0.1, "\(run.fixture.name): loudness ratio \(ratio)")
        }
        // Control: another voice (style) on the same phonemes and durations.
        let run = try #require(try Self.runs(tier).first)
        let other = try VoicePack(contentsOf: [RealKokoro.voicesURL]).style(VoiceMix(parsing: "jm_kumo"), phonemes: run.fixture.ids.count - 2)
        let wrong = try model.synthesize(ids: run.fixture.ids, style: other, speed: run.fixture.speed,
                                         durations: run.fixture.durations, workspace: Workspace())
        let control = LogMel.meanAbsoluteDifference(wrong.audio, run.fixture.values("audio"))
        #expect(control > 4, "another voice measured only \(control) dB")
    }

    static func styleRowMatchesTheFixtureVoice(_ tier: KernelTier) throws {
        let pack = try VoicePack(contentsOf: [RealKokoro.voicesURL])
        for fixture in KokoroFixture.all {
            let style = try pack.style(VoiceMix(fixture.voice), phonemes: fixture.ids.count - 2)
            #expect(style == fixture.style, "\(fixture.name): \(fixture.voice) row \(fixture.row)")
        }
    }

    static func rejectsMalformedInput(_ tier: KernelTier) throws {
        let model = try RealKokoro.model(tier)
        let style = [Float](repeating: 0, count: 256)
        let ws = Workspace()
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 0], style: style, workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 500, 0], style: style, workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0] + Array(repeating: 43, count: 511) + [0], style: style, workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 43, 0], style: [1, 2], workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 43, 0], style: style, speed: 0, workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 43, 0], style: style, durations: [1, 1], workspace: ws) }
        #expect(throws: SottoError.self) { try model.synthesize(ids: [0, 43, 0], style: style, durations: [0, 0, 0], workspace: ws) }
    }

    static func rms(_ x: [Float]) -> Double {
        (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(x.count, 1))).squareRoot()
    }

    // The checks at the active tier; KokoroTierTests runs them at every other tier this CPU has.
    @Test func textEncodersOnTheActiveTier() throws { try Self.textEncoders(.active) }
    @Test func durationsOnTheActiveTier() throws { try Self.durations(.active) }
    @Test func prosodyCurvesOnTheActiveTier() throws { try Self.prosodyCurves(.active) }
    @Test func decoderInIsolationOnTheActiveTier() throws { try Self.decoderInIsolation(.active) }
    @Test func harmonicSourceInIsolationOnTheActiveTier() throws { try Self.harmonicSourceInIsolation(.active) }
    @Test func audioOnTheActiveTier() throws { try Self.audio(.active) }
    @Test func styleRowMatchesTheFixtureVoiceOnTheActiveTier() throws { try Self.styleRowMatchesTheFixtureVoice(.active) }
    @Test func rejectsMalformedInputOnTheActiveTier() throws { try Self.rejectsMalformedInput(.active) }

    /// Every check at `tier`.
    static func checkAll(_ tier: KernelTier) throws {
        try textEncoders(tier)
        try durations(tier)
        try prosodyCurves(tier)
        try decoderInIsolation(tier)
        try harmonicSourceInIsolation(tier)
        try audio(tier)
        try styleRowMatchesTheFixtureVoice(tier)
        try rejectsMalformedInput(tier)
    }

}
