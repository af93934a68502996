import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore
import Testing

/// The speaker encoder against the official qwen-tts code on the tiny Base checkpoint: the
/// log-mel features, every ECAPA-TDNN stage and the x-vector, from the 24 kHz waveform the
/// reference fed it; then the whole path from the recording on disk.
@Suite struct SpeakerEncoderTests {
    static let encoder: SpeakerEncoder = try! BaseFixtures.encoder()

    /// Worst |ours − reference| as a fraction of the reference's peak, printed for the record.
    static func error(_ ours: [Float], _ golden: [Float], _ what: String) -> Double {
        guard ours.count == golden.count else { return .infinity }
        let (difference, index) = maxAbsDifference(ours, golden)
        let relative = Double(difference) / Double(max(peak(golden), 1e-6))
        print("\(what): max |diff| \(difference) at \(index) (reference \(golden[index]), peak \(peak(golden))) = \(relative) of peak")
        return relative
    }

    @Test(arguments: BaseFixtures.references)
    func logMelFeaturesMatchTheReference(_ reference: String) throws {
        let stages = try Self.encoder.stages(try BaseFixtures.array("\(reference)_wav24k"))
        let golden = try BaseFixtures.array("\(reference)_mel")
        #expect(stages.features.count == golden.count)
        // Both sides compute a float32 STFT and mel product; their rounding differs by a few
        // units in the last place of the spectrum (≈1e-6 relative), which the log turns into
        // ≈1e-6 absolute where energy is high. Where a bin's energy is near the floors
        // (|X|² + 1e-9 and the 1e-5 clamp) the same absolute error of the spectrum is a larger
        // relative one (measured: 9e-6 on the 24 kHz file, 2.1e-4 at −10.9 in the resampled
        // file's empty band above 8 kHz), hence the absolute bound of 5e-4 on log values
        // spanning −11.5 … 1.
        expectClose(stages.features, golden.map(Double.init), relative: 0, absolute: 5e-4, "\(reference) log-mel")
        _ = Self.error(stages.features, golden, "\(reference) log-mel")
    }

    @Test(arguments: BaseFixtures.references)
    func everyStageAndTheXVectorMatchTheReference(_ reference: String) throws {
        let stages = try Self.encoder.stages(try BaseFixtures.array("\(reference)_wav24k"))
        // float32 layers summing in another order than PyTorch's (and features already within
        // 2e-4): each stage within 1e-4 of its peak; the x-vector is what the talker sees.
        for (i, block) in stages.blocks.enumerated() {
            #expect(Self.error(block, try BaseFixtures.array("\(reference)_block\(i)"), "\(reference) block \(i)") < 1e-4)
        }
        #expect(Self.error(stages.aggregated, try BaseFixtures.array("\(reference)_mfa"), "\(reference) aggregation") < 1e-4)
        #expect(Self.error(stages.pooled, try BaseFixtures.array("\(reference)_pooled"), "\(reference) pooling") < 1e-4)
        #expect(Self.error(stages.xVector, try BaseFixtures.array("\(reference)_xvector"), "\(reference) x-vector") < 1e-4)
    }

    @Test func theRecordingOnDiskGivesTheReferencesWaveformAndXVector() throws {
        // 24 kHz mono 16-bit: read, nothing resampled; the samples are the reference's exactly.
        let mono = try ReferenceAudio.load(BaseFixtures.file("ref_24k_mono"))
        #expect(mono.samples == (try BaseFixtures.array("ref_24k_mono_wav24k")))
        // 16 kHz stereo FLAC: averaged and resampled by libsoxr at the reference's settings.
        let stereo = try ReferenceAudio.load(BaseFixtures.file("ref_16k_stereo"))
        let golden = try BaseFixtures.array("ref_16k_stereo_wav24k")
        #expect(stereo.samples.count == golden.count)
        #expect(Self.error(stereo.samples, golden, "16 kHz stereo resampled") < 1e-5)
        print("16 kHz stereo resampled: relative RMS error \(relativeRMS(stereo.samples, golden))")
        let xVector = try Self.encoder.embed(stereo.samples)
        #expect(Self.error(xVector, try BaseFixtures.array("ref_16k_stereo_xvector"), "16 kHz stereo x-vector from disk") < 1e-4)
    }

    @Test func bfloat16ModelsGetABFloat16XVector() throws {
        let wav = try BaseFixtures.array("ref_24k_mono_wav24k")
        let rounded = try BaseFixtures.encoder(roundsToBFloat16: true).embed(wav)
        for value in rounded { #expect(value.bitPattern & 0xFFFF == 0, "\(value) is not a bf16 value") }
        // Rounding the features and the result moves the x-vector by about bf16's resolution.
        let error = Self.error(rounded, try BaseFixtures.array("ref_24k_mono_xvector"), "bf16 x-vector")
        #expect(error > 0 && error < 0.05)
    }

    @Test func releasedBaseConfigsGetTheFullSizeEncoder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-base-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"tts_model_type": "base", "speaker_encoder_config": {"enc_dim": 1024, "sample_rate": 24000}}"#.utf8).write(to: folder)
        let config = try SpeakerEncoderConfiguration.load(folder)
        #expect(config.channels == [512, 512, 512, 512, 1536])
        #expect(config.kernelSizes == [5, 3, 3, 3, 1] && config.dilations == [1, 2, 3, 4, 1])
        #expect(config.attentionChannels == 128 && config.squeezeChannels == 128 && config.res2NetScale == 8)
        #expect(config.embeddingSize == 1024 && config.melBins == 128)
    }

    @Test func badConfigsAndShortAudioAreErrorsNotTraps() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-base-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        for text in [#"{"tts_model_type": "custom_voice"}"#,
                     #"{"speaker_encoder_config": {"enc_channels": [32, 30, 32, 96]}}"#,
                     #"{"speaker_encoder_config": {"sample_rate": 16000}}"#] {
            try Data(text.utf8).write(to: file)
            #expect(throws: SottoError.self) { try SpeakerEncoderConfiguration.load(file) }
        }
        #expect(throws: SottoError.self) { try Self.encoder.embed([Float](repeating: 0.1, count: 300)) }
        #expect(throws: SottoError.self) { try Self.encoder.embed([Float](repeating: 0.1, count: 1200)) }
    }
}
