import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore
import SottoEngines
import Testing

/// Voice cloning through the engine seam with the tiny Base checkpoint: requests name a
/// reference recording (in context or x-vector only) or a cloned voice; audio streams in chunks
/// and is the official code's waveform (the reference's part never played); bad requests get one
/// clear error.
@Suite(.serialized) struct CloneEngineTests {
    static let model: Qwen3Model = try! Qwen3Model(folder: BaseFixtures.folder())
    nonisolated(unsafe) static let inContext = BaseFixtures.goldens["in_context"] as! [String: Any]
    nonisolated(unsafe) static let xVectorClone = BaseFixtures.goldens["clone"] as! [String: Any]

    static func engine() -> Qwen3Engine {
        let engine = Qwen3Engine(model: Qwen3Fixtures.descriptor(model.folder), qwen: model)
        engine.framesPerChunk = 3
        return engine
    }

    static func request(_ golden: [String: Any], reference: String? = nil, referenceText: String? = nil,
                        xVectorOnly: Bool? = nil, voice: String? = nil) -> SynthesisRequest {
        let asked = golden["request"] as! [String: String]
        var request = SynthesisRequest(text: asked["text"]!, voice: voice, language: asked["language"])
        request.reference = reference
        request.referenceText = referenceText
        request.xVectorOnly = xVectorOnly
        request.sampling.greedy = true
        request.sampling.maxFrames = (golden["codes"] as! [[Int]]).count
        return request
    }

    static func run(_ engine: Qwen3Engine, _ request: SynthesisRequest) throws -> (SynthesisSummary, [AudioChunk]) {
        var chunks: [AudioChunk] = []
        let summary = try engine.synthesize(request, cancellation: CancellationFlag()) { chunks.append($0) }
        return (summary, chunks)
    }

    static func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return (error as? SottoError)?.description ?? "\(error)" }
    }

    @Test func baseModelsSayTheyClone() {
        #expect(Self.engine().capabilities.contains(.referenceAudio))
        #expect(!Self.engine().capabilities.contains(.speakers))
    }

    @Test func anInContextCloneStreamsTheReferencesWaveform() throws {
        let golden = Self.inContext
        let asked = golden["request"] as! [String: String]
        let request = Self.request(golden, reference: BaseFixtures.file(golden["reference"] as! String),
                                   referenceText: asked["ref_text"])
        let (summary, chunks) = try Self.run(Self.engine(), request)
        #expect(summary.generatedCodes == golden["codes"] as? [[Int]])
        #expect(chunks.count > 2, "the take should arrive in several chunks")
        let wave = chunks.flatMap(\.samples)
        let expected = try BaseFixtures.array("in_context_wav")
        #expect(wave.count == expected.count)
        #expect(Qwen3Fixtures.maxDifference(wave, expected) < 2e-4)
    }

    @Test func xVectorOnlyClonesFromTheRecordingAlone() throws {
        let golden = Self.xVectorClone
        let request = Self.request(golden, reference: BaseFixtures.file(golden["reference"] as! String), xVectorOnly: true)
        let (summary, chunks) = try Self.run(Self.engine(), request)
        #expect(summary.generatedCodes == golden["codes"] as? [[Int]])
        #expect(chunks.flatMap(\.samples).count == (golden["codes"] as! [[Int]]).count * 1920)
    }

    @Test func aNamedVoiceComesFromTheClonedVoicesHook() throws {
        let golden = Self.xVectorClone
        let engine = Self.engine()
        let xVector = try BaseFixtures.array("\(golden["reference"] as! String)_xvector")
        var asked: [String] = []
        engine.clonedVoices = { name in
            asked.append(name)
            return name == "narrator" ? VoiceClonePrompt(xVector: xVector) : nil
        }
        let (summary, _) = try Self.run(engine, Self.request(golden, voice: "narrator"))
        #expect(summary.generatedCodes == golden["codes"] as? [[Int]])
        #expect(asked == ["narrator"])
        let unknown = Self.message { try Self.run(engine, Self.request(golden, voice: "nobody")) }
        #expect(unknown.contains("'nobody'") && unknown.contains("sotto clone"), "\(unknown)")
    }

    @Test func badCloneRequestsGetOneClearError() throws {
        let engine = Self.engine()
        let golden = Self.inContext
        let reference = BaseFixtures.file("ref_24k_mono")
        let neither = Self.message { try Self.run(engine, Self.request(golden, reference: reference)) }
        #expect(neither.contains("--reference-text") && neither.contains("--x-vector-only"), "\(neither)")
        let nothing = Self.message { try Self.run(engine, Self.request(golden)) }
        #expect(nothing.contains("--reference") && nothing.contains("sotto clone"), "\(nothing)")
        let noHook = Self.message { try Self.run(engine, Self.request(golden, voice: "narrator")) }
        #expect(noHook.contains("'narrator'") && noHook.contains("sotto clone"), "\(noHook)")
        let missing = Self.message { try Self.run(engine, Self.request(golden, reference: "/nonexistent/ref.wav", xVectorOnly: true)) }
        #expect(missing.contains("/nonexistent/ref.wav"), "\(missing)")
    }

    @Test func whatABaseModelIgnoresIsNoted() throws {
        let golden = Self.xVectorClone
        var request = Self.request(golden, reference: BaseFixtures.file("ref_24k_mono"), xVectorOnly: true, voice: "someone")
        request.instruct = "Whisper."
        request.voiceDescription = "A deep voice."
        let (summary, _) = try Self.run(Self.engine(), request)
        for word in ["voice 'someone' ignored", "instruct ignored", "voice description ignored"] {
            #expect(summary.notes.contains { $0.contains(word) }, "\(summary.notes)")
        }
        #expect(summary.generatedCodes == golden["codes"] as? [[Int]])
    }

    @Test func otherModelsNoteThatTheyDoNotClone() throws {
        let customVoice = try Qwen3Model(folder: Qwen3Fixtures.folder("customvoice-0b6"))
        let engine = Qwen3Engine(model: Qwen3Fixtures.descriptor(customVoice.folder), qwen: customVoice)
        var request = SynthesisRequest(text: "Hello.", voice: "ryan", language: "english")
        request.reference = BaseFixtures.file("ref_24k_mono")
        request.sampling.greedy = true
        request.sampling.maxFrames = 2
        let (summary, _) = try Self.run(engine, request)
        #expect(summary.notes.contains { $0.contains("reference audio ignored") }, "\(summary.notes)")
        #expect(!engine.capabilities.contains(.referenceAudio))
    }
}
