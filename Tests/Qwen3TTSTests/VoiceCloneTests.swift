import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore
import Testing

/// x-vector-only voice cloning on the tiny Base checkpoint against the official code: the
/// prompt (the x-vector in the speaker's place, text streamed one token per frame) and greedy
/// codes, from the reference's x-vector and from Sotto's own.
@Suite(.serialized) struct VoiceCloneTests {
    static let model: Qwen3Model = try! Qwen3Model(folder: BaseFixtures.folder())
    static let greedy = TokenSampling(greedy: true, temperature: 1, topK: 0, topP: 1)
    nonisolated(unsafe) static let clone = BaseFixtures.goldens["clone"] as! [String: Any]
    static let codes = clone["codes"] as! [[Int]]

    func generate(xVector: [Float]) throws -> GenerationResult {
        let request = Self.clone["request"] as! [String: Any]
        let prompt = Qwen3PromptRequest(text: request["text"] as! String, language: request["language"] as! String,
                                        clone: VoiceClonePrompt(xVector: xVector))
        let settings = GenerationSettings(talker: Self.greedy, codePredictor: Self.greedy, repetitionPenalty: 1.05,
                                          maxFrames: Self.codes.count, seed: 0)
        return try Self.model.generate(prompt, settings: settings)
    }

    @Test func theReferencesXVectorGivesItsPromptAndCodes() throws {
        let reference = Self.clone["reference"] as! String
        let result = try generate(xVector: try BaseFixtures.array("\(reference)_xvector"))
        #expect(result.prefillCount == Self.clone["prefill_length"] as! Int)
        let prefill = try BaseFixtures.array("clone_prefill")
        #expect(result.prefill.count == prefill.count)
        if result.prefill.count == prefill.count { #expect(maxAbsDifference(result.prefill, prefill).value < 1e-5) }
        #expect(result.frames == Self.codes)
        let hidden = try BaseFixtures.array("clone_hidden")
        if result.frames == Self.codes {
            #expect(maxAbsDifference(result.talkerHidden.flatMap { $0 }, hidden).value < 1e-4)
        }
    }

    @Test func sottosOwnXVectorClonesTheSameCodes() throws {
        let reference = Self.clone["reference"] as! String
        let audio = try ReferenceAudio.load(BaseFixtures.file(reference))
        let xVector = try BaseFixtures.encoder().embed(audio.samples)
        #expect(try generate(xVector: xVector).frames == Self.codes)
    }

    @Test func aSpeakerEmbeddingOfAnotherWidthIsRefused() throws {
        #expect(throws: SottoError.self) { try generate(xVector: [Float](repeating: 0.1, count: 31)) }
    }

    @Test func aClonePromptWithoutWordsIsTheXVectorAlone() throws {
        let reference = Self.clone["reference"] as! String
        let prompt = try Self.model.clonePrompt(reference: try ReferenceAudio.load(BaseFixtures.file(reference)), referenceText: nil)
        #expect(prompt.referenceCodes == nil && prompt.referenceText == nil && !prompt.isInContext)
        #expect(SpeakerEncoderTests.error(prompt.xVector, try BaseFixtures.array("\(reference)_xvector"), "model x-vector") < 1e-4)
    }

    @Test func aClonePromptWithWordsCarriesTheReferencesCodes() throws {
        let audio = try ReferenceAudio.load(BaseFixtures.file("ref_16k_stereo"))
        let prompt = try Self.model.clonePrompt(reference: audio, referenceText: "Words of the reference.")
        #expect(prompt.isInContext && prompt.referenceText == "Words of the reference.")
        let codes = try #require(prompt.referenceCodes)
        #expect(codes.count == (audio.samples.count + 1919) / 1920)
        #expect(codes.allSatisfy { $0.count == 16 })
        #expect(codes == (try Self.model.codecEncoder!.encode(audio.samples)))
        #expect(SpeakerEncoderTests.error(prompt.xVector, try BaseFixtures.array("ref_16k_stereo_xvector"), "model x-vector") < 1e-4)
    }

    @Test func bfloat16ModelsCloneWithABFloat16XVector() throws {
        let model = try Qwen3Model(folder: BaseFixtures.folder(), precision: .bf16)
        let prompt = try model.clonePrompt(reference: try ReferenceAudio.load(BaseFixtures.file("ref_24k_mono")), referenceText: nil)
        #expect(prompt.xVector.allSatisfy { $0.bitPattern & 0xFFFF == 0 })
        #expect(SpeakerEncoderTests.error(prompt.xVector, try BaseFixtures.array("ref_24k_mono_xvector"), "bf16 model x-vector") < 0.05)
    }

    @Test func emptyReferenceWordsAndNonBaseModelsAreRefused() throws {
        let audio = try ReferenceAudio.load(BaseFixtures.file("ref_24k_mono"))
        #expect(throws: SottoError.self) { try Self.model.clonePrompt(reference: audio, referenceText: "  ") }
        let customVoice = try Qwen3Model(folder: Qwen3Fixtures.folder("customvoice-0b6"))
        #expect(customVoice.speakerEncoder == nil && customVoice.codecEncoder == nil)
        #expect(throws: SottoError.self) { try customVoice.clonePrompt(reference: audio, referenceText: nil) }
    }
}
