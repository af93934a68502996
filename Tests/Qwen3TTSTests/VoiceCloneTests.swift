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
                                        speakerEmbedding: xVector)
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
}
