import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore
import Testing

/// In-context voice cloning on the tiny Base checkpoint against the official code
/// (Scripts/fixtures/make_qwen3_base_goldens.py): the reference's words and codes lead the
/// prompt, the text is longer than the reference's codec track so its rest is fed one token per
/// frame; greedy codes exact, and the take decoded together with the reference and cut where the
/// reference cuts it.
@Suite(.serialized) struct InContextCloneTests {
    static let model: Qwen3Model = try! Qwen3Model(folder: BaseFixtures.folder())
    static let greedy = TokenSampling(greedy: true, temperature: 1, topK: 0, topP: 1)
    nonisolated(unsafe) static let golden = BaseFixtures.goldens["in_context"] as! [String: Any]
    static let request = golden["request"] as! [String: String]
    static let codes = golden["codes"] as! [[Int]]

    static func referenceCodes() throws -> [[Int]] {
        let array = try BaseFixtures.arrays.numpyArray(named: "in_context_ref_codes")
        let columns = array.shape[1]
        return (0 ..< array.shape[0]).map { row in (0 ..< columns).map { Int(array.values[row * columns + $0]) } }
    }

    static func goldenPrompt() throws -> VoiceClonePrompt {
        VoiceClonePrompt(xVector: try BaseFixtures.array("in_context_xvector"), referenceCodes: try referenceCodes(),
                         referenceText: request["ref_text"]!)
    }

    func generate(_ clone: VoiceClonePrompt, text: String = request["text"]!) throws -> GenerationResult {
        let prompt = Qwen3PromptRequest(text: text, language: Self.request["language"]!, clone: clone)
        let settings = GenerationSettings(talker: Self.greedy, codePredictor: Self.greedy, repetitionPenalty: 1.05,
                                          maxFrames: Self.codes.count, seed: 0)
        return try Self.model.generate(prompt, settings: settings)
    }

    @Test func theReferencesPromptGivesItsPrefillAndCodes() throws {
        let result = try generate(try Self.goldenPrompt())
        #expect(result.prefillCount == Self.golden["prefill_length"] as! Int)
        let prefill = try BaseFixtures.array("in_context_prefill")
        #expect(result.prefill.count == prefill.count)
        if result.prefill.count == prefill.count { #expect(maxAbsDifference(result.prefill, prefill).value < 1e-5) }
        #expect(result.frames == Self.codes)
        if result.frames == Self.codes {
            let hidden = try BaseFixtures.array("in_context_hidden")
            #expect(maxAbsDifference(result.talkerHidden.flatMap { $0 }, hidden).value < 1e-4)
        }
    }

    @Test func sottosOwnPromptFromTheRecordingClonesTheSameCodes() throws {
        let audio = try ReferenceAudio.load(BaseFixtures.file(Self.golden["reference"] as! String))
        let clone = try Self.model.clonePrompt(reference: audio, referenceText: Self.request["ref_text"]!)
        #expect(clone.referenceCodes == (try Self.referenceCodes()))
        #expect(SpeakerEncoderTests.error(clone.xVector, try BaseFixtures.array("in_context_xvector"), "in-context x-vector") < 1e-4)
        #expect(try generate(clone).frames == Self.codes)
    }

    /// The take is decoded with the reference in front and the reference's share cut off: the
    /// same waveform as the official code's within fp32 summation-order noise (the tolerance of
    /// the CustomVoice waveform goldens).
    @Test func theTakeIsDecodedAfterTheReferenceAndCutLikeTheReference() throws {
        let clone = try Self.goldenPrompt()
        let wave = try Self.model.decodeClonedTake(Self.codes, clone: clone)
        let expected = try BaseFixtures.array("in_context_wav")
        #expect(wave.count == expected.count && wave.count == Self.golden["wav_samples"] as! Int)
        #expect(Qwen3Fixtures.maxDifference(wave, expected) < 2e-4)
        let total = clone.referenceCodes!.count + Self.codes.count
        #expect(Qwen3Model.referenceCut(referenceFrames: clone.referenceCodes!.count, totalFrames: total, samples: total * 1920)
            == Self.golden["cut"] as! Int)
        // Decoded alone, the take would start from silence instead of continuing the reference.
        let alone = try Self.model.codec.decodeLikeReference(Self.codes)
        #expect(Qwen3Fixtures.maxDifference(alone, expected) > 1e-3)
    }

    /// `int(ref / total * samples)` in doubles falls one sample short of ref × 1920 for some
    /// lengths (13 of 23 frames: 13 / 23 × 44160 = 24959.999…); the cut keeps that sample as the
    /// reference does.
    @Test func theCutIsTheReferencesFloatingPointFormula() {
        #expect(Qwen3Model.referenceCut(referenceFrames: 13, totalFrames: 23, samples: 23 * 1920) == 13 * 1920 - 1)
        #expect(Qwen3Model.referenceCut(referenceFrames: 23, totalFrames: 33, samples: 63360) == 44160)
        #expect(Qwen3Model.referenceCut(referenceFrames: 0, totalFrames: 0, samples: 0) == 0)
    }

    /// A text shorter than the reference's codec track is padded to it, and only pad rows follow.
    @Test func aShortTextIsPaddedToTheReference() throws {
        let clone = try Self.goldenPrompt()
        let result = try generate(clone, text: "Hi.")
        let referenceFrames = Self.golden["reference_frames"] as! Int
        // Role (3) + think, think-bos, language, think-eos, x-vector, pad (6) + codec BOS and the reference.
        #expect(result.prefillCount == 3 + 6 + 1 + referenceFrames)
        #expect(result.prefillCount == Self.golden["prefill_length"] as! Int)
    }

    @Test func referenceCodesThatDoNotFitTheModelAreRefused() throws {
        var clone = try Self.goldenPrompt()
        clone.referenceCodes![3][5] = 100_000
        #expect(throws: SottoError.self) { try generate(clone) }
        clone.referenceCodes![3] = [1, 2, 3]
        #expect(throws: SottoError.self) { try generate(clone) }
        clone.referenceCodes = []
        #expect(throws: SottoError.self) { try generate(clone) }
    }
}
