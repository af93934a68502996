import Foundation
import Qwen3TTS
import SottoCore
import SottoEngines
import Testing

/// Greedy generations against the reference, stage by stage: prefill embeddings, talker hidden
/// states, codes (exact) and the decoded waveform.
@Suite(.serialized) struct Qwen3GenerationTests {
    static let models: [String: Qwen3Model] = {
        var models: [String: Qwen3Model] = [:]
        for kind in ["customvoice-0b6", "customvoice-1b7", "voicedesign-1b7"] {
            models[kind] = try! Qwen3Model(folder: Qwen3Fixtures.folder(kind))
        }
        return models
    }()

    static let greedy = TokenSampling(greedy: true, temperature: 1, topK: 0, topP: 1)

    static func generate(_ golden: [String: Any], model: Qwen3Model) throws -> GenerationResult {
        let request = golden["request"] as! [String: Any]
        let resolved = try model.resolve(text: request["text"] as! String, speaker: request["speaker"] as? String,
                                         instruct: model.configuration.variant == .voiceDesign ? nil : request["instruct"] as? String,
                                         voiceDescription: model.configuration.variant == .voiceDesign ? request["instruct"] as? String : nil,
                                         language: request["language"] as? String)
        let settings = GenerationSettings(talker: greedy, codePredictor: greedy, repetitionPenalty: 1.05,
                                          maxFrames: Qwen3Fixtures.goldens["frames"] as! Int, seed: 0)
        return try model.generate(resolved, settings: settings)
    }

    @Test(arguments: Qwen3Fixtures.generations.map { $0["name"] as! String })
    func matchesTheReference(_ name: String) throws {
        let golden = Qwen3Fixtures.generations.first { $0["name"] as! String == name }!
        let model = Self.models[golden["model"] as! String]!
        let result = try Self.generate(golden, model: model)

        let prefill = try Qwen3Fixtures.array("\(name)_prefill")
        #expect(result.prefillCount == golden["prefill_length"] as! Int)
        #expect(Qwen3Fixtures.maxDifference(result.prefill, prefill) < 1e-5)

        let expectedCodes = golden["codes"] as! [[Int]]
        #expect(result.frames == expectedCodes)

        let hidden = try Qwen3Fixtures.array("\(name)_hidden")
        if result.frames.count == expectedCodes.count {
            #expect(Qwen3Fixtures.maxDifference(result.talkerHidden.flatMap { $0 }, hidden) < 1e-4)
        }

        let wave = try model.codec.decodeLikeReference(expectedCodes)
        let expectedWave = try Qwen3Fixtures.array("\(name)_wav")
        #expect(wave.count == expectedCodes.count * 1920)
        #expect(Qwen3Fixtures.maxDifference(wave, expectedWave) < 2e-4)
    }

    @Test func instructIsIgnoredWithANoteOnSmallCustomVoice() throws {
        let model = Self.models["customvoice-0b6"]!
        let resolved = try model.resolve(text: "Hi.", speaker: "Ryan", instruct: "Shout.", voiceDescription: nil, language: "English")
        #expect(resolved.instruct == nil)
        #expect(resolved.speaker == "ryan")
        #expect(resolved.notes.contains { $0.contains("instruct ignored") })
    }

    @Test func badRequestsGiveClearErrors() throws {
        let custom = Self.models["customvoice-1b7"]!
        let design = Self.models["voicedesign-1b7"]!
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch { return (error as? SottoError)?.message }
        }
        #expect(message { try design.resolve(text: "Hi.", speaker: nil, instruct: nil, voiceDescription: nil, language: nil) }?
            .contains("description") == true)
        #expect(message { try design.resolve(text: "Hi.", speaker: nil, instruct: nil, voiceDescription: "  ", language: nil) }?
            .contains("description") == true)
        #expect(message { try custom.resolve(text: "Hi.", speaker: "nobody", instruct: nil, voiceDescription: nil, language: nil) }?
            .contains("speaker") == true)
        #expect(message { try custom.resolve(text: "Hi.", speaker: "ryan", instruct: nil, voiceDescription: nil, language: "klingon") }?
            .contains("klingon") == true)
        #expect(message { try custom.resolve(text: " \n ", speaker: "ryan", instruct: nil, voiceDescription: nil, language: nil) }?
            .contains("empty") == true)
        let huge = String(repeating: "word ", count: 5000)
        let resolved = try custom.resolve(text: huge, speaker: "ryan", instruct: nil, voiceDescription: nil, language: nil)
        let settings = GenerationSettings(talker: Self.greedy, codePredictor: Self.greedy, repetitionPenalty: 1.05, maxFrames: 2, seed: 0)
        #expect(message { try custom.generate(resolved, settings: settings) }?.contains("too long") == true)
    }

    @Test func missingCodecWeightsAreNamed() throws {
        let folder = try Qwen3Fixtures.folder("customvoice-0b6")
        let codec = folder.appendingPathComponent("speech_tokenizer")
        try FileManager.default.removeItem(at: codec)
        try FileManager.default.createDirectory(at: codec, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer/config.json"),
                                         to: codec.appendingPathComponent("config.json"))
        #expect { try Qwen3Model(folder: folder) } throws: { error in
            (error as? SottoError)?.message.contains("speech_tokenizer/model.safetensors") == true
        }
    }

    @Test func engineStreamsTheSameAudioAndReportsCodes() throws {
        let golden = Qwen3Fixtures.generations.first { $0["name"] as! String == "customvoice_1b7_instruct" }!
        let request = golden["request"] as! [String: Any]
        let model = Self.models["customvoice-1b7"]!
        let engine = Qwen3Engine(model: Qwen3Fixtures.descriptor(model.folder), qwen: model)
        engine.framesPerChunk = 3
        var synthesis = SynthesisRequest(text: request["text"] as! String, voice: request["speaker"] as? String,
                                         instruct: request["instruct"] as? String, language: request["language"] as? String)
        synthesis.sampling.greedy = true
        synthesis.sampling.maxFrames = Qwen3Fixtures.goldens["frames"] as? Int
        var chunks: [AudioChunk] = []
        let summary = try engine.synthesize(synthesis, cancellation: CancellationFlag()) { chunks.append($0) }
        #expect(chunks.count > 2)
        #expect(summary.generatedCodes == golden["codes"] as? [[Int]])
        let expectedWave = try Qwen3Fixtures.array("customvoice_1b7_instruct_wav")
        #expect(Qwen3Fixtures.maxDifference(chunks.flatMap(\.samples), expectedWave) < 2e-4)
        #expect(summary.notes.contains { $0.contains("cap") })
    }

    /// Relative RMS error of the first step's talker hidden state (it depends on the prompt only,
    /// so it is comparable even after the codes of a quantised model part from the reference's),
    /// bound per precision: bf16 loses nothing on this bf16 checkpoint; int8 rounds each weight
    /// to 1/254 of its row's range and each input vector likewise (≈1 % per product; measured
    /// 1.5–1.6 % here after all layers); int4 to 1/15 of each group of 128 (≈10 % per product
    /// on Gaussian weights; measured 13–17 % here). A wrong kernel or layout errs by ≥ 100 %.
    @Test(arguments: [(WeightPrecision.bf16, 1e-4), (.int8, 0.03), (.int4, 0.25)])
    func lowerPrecisionRuns(_ precision: WeightPrecision, bound: Double) throws {
        let folder = Self.models["customvoice-0b6"]!.folder
        let model = try Qwen3Model(folder: folder, precision: precision)
        #expect(model.residentBytes < Self.models["customvoice-0b6"]!.residentBytes)
        let width = model.configuration.talker.dimensions.hiddenSize
        for golden in Qwen3Fixtures.generations where golden["model"] as! String == "customvoice-0b6" {
            let result = try Self.generate(golden, model: model)
            #expect(result.frames.count == Qwen3Fixtures.goldens["frames"] as! Int)
            #expect(result.frames.allSatisfy { $0.count == 16 && $0.allSatisfy { (0 ..< 2048).contains($0) } })
            if precision == .bf16 { #expect(result.frames == golden["codes"] as! [[Int]]) }
            let expected = try Qwen3Fixtures.array("\(golden["name"] as! String)_hidden").prefix(width).map(Double.init)
            let first = result.talkerHidden[0].map(Double.init)
            let error = zip(first, expected).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let relative = (error / expected.map { $0 * $0 }.reduce(0, +)).squareRoot()
            #expect(relative < bound, "\(precision): \(relative)")
        }
    }
}

@Suite struct Qwen3CodecTests {
    @Test func decodesLikeTheReferenceIncludingTheChunkSeam() throws {
        let codec = try CodecDecoder(folder: Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer"))
        for entry in Qwen3Fixtures.goldens["codec"] as! [[String: Any]] {
            let frames = entry["frames"] as! Int, stride = entry["stride"] as! Int
            let flat = try Qwen3Fixtures.array("codec_\(frames)_codes").map { Int($0) }
            let codes = (0 ..< frames).map { Array(flat[$0 * 16 ..< ($0 + 1) * 16]) }
            let wave = try codec.decodeLikeReference(codes)
            #expect(wave.count == entry["samples"] as! Int)
            let strided = Swift.stride(from: 0, to: wave.count, by: stride).map { wave[$0] }
            #expect(Qwen3Fixtures.maxDifference(strided, try Qwen3Fixtures.array("codec_\(frames)_strided")) < 2e-4)
            if let seamStart = entry["seam_start"] as? Int {
                let seam = try Qwen3Fixtures.array("codec_\(frames)_seam")
                #expect(Qwen3Fixtures.maxDifference(Array(wave[seamStart ..< seamStart + seam.count]), seam) < 2e-4)
            }
        }
    }

    @Test func bfloat16ConvolutionsStayCloseToTheReference() throws {
        // bf16 rounding (2⁻⁹ relative per value) in every large convolution compounds over the
        // decoder's ~30 layers to a fraction of a percent of the signal; a wrong history or tap
        // order would be as large as the signal itself.
        let codec = try CodecDecoder(folder: Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer"),
                                     bfloat16Convolutions: true)
        let flat = try Qwen3Fixtures.array("codec_320_codes").map { Int($0) }
        let codes = (0 ..< 320).map { Array(flat[$0 * 16 ..< ($0 + 1) * 16]) }
        let wave = try codec.decodeLikeReference(codes)
        let entry = (Qwen3Fixtures.goldens["codec"] as! [[String: Any]]).first { $0["frames"] as! Int == 320 }!
        let seamStart = entry["seam_start"] as! Int
        let expected = try Qwen3Fixtures.array("codec_320_seam")
        let actual = Array(wave[seamStart ..< seamStart + expected.count])
        let rms = (expected.reduce(0) { $0 + $1 * $1 } / Float(expected.count)).squareRoot()
        let errorRMS = (zip(actual, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(expected.count)).squareRoot()
        #expect(rms > 0.01)
        #expect(errorRMS < 0.02 * rms, "error RMS \(errorRMS) against signal RMS \(rms)")
    }

    @Test func streamingEqualsOnePass() throws {
        let codec = try CodecDecoder(folder: Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer"))
        let flat = try Qwen3Fixtures.array("codec_320_codes").map { Int($0) }
        let codes = (0 ..< 100).map { Array(flat[$0 * 16 ..< ($0 + 1) * 16]) }
        codec.reset()
        let whole = try codec.decodeNext(codes)
        codec.reset()
        var pieces: [Float] = []
        var start = 0
        for size in [1, 7, 30, 12, 50] where start < codes.count {
            pieces += try codec.decodeNext(Array(codes[start ..< min(codes.count, start + size)]))
            start += size
        }
        #expect(start >= codes.count)
        #expect(Qwen3Fixtures.maxDifference(whole, pieces) < 1e-5)
    }

    @Test func decoderReportsWhereItsTimeGoes() throws {
        let codec = try CodecDecoder(folder: Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer"))
        let flat = try Qwen3Fixtures.array("codec_320_codes").map { Int($0) }
        let codes = (0 ..< CodecDecoder.piece).map { Array(flat[$0 * 16 ..< ($0 + 1) * 16]) }
        codec.reset()
        codec.resetStageSeconds()
        let clock = ContinuousClock()
        let wall = try clock.measure { _ = try codec.decodeNext(codes) }
        let stages = codec.stageSeconds
        let blocks = codec.config.upsampleRates.count
        #expect(stages.map(\.stage) == ["transformer", "upsampling"] + (1 ... blocks).map { "block \($0)" } + ["output"])
        #expect(stages.allSatisfy { $0.seconds > 0 })
        // The stages lie inside the call.
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        #expect(stages.reduce(0) { $0 + $1.seconds } <= wallSeconds)
        // A further, five times shorter call adds to every stage: a tally that started again
        // (or kept only the last piece) would now hold less than before.
        _ = try codec.decodeNext(Array(codes.prefix(CodecDecoder.piece / 5)))
        for (before, after) in zip(stages, codec.stageSeconds) {
            #expect(after.stage == before.stage && after.seconds > before.seconds, "\(before.stage)")
        }
        codec.resetStageSeconds()
        #expect(codec.stageSeconds.isEmpty)
    }
}
