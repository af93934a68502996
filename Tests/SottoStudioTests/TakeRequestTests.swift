import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// What a take asks of its model, and what happens when that fails.
@Suite struct TakeRequestTests {
    @Test func aFixedSeedIsUsedWhenTheTakeWaitsForItsModel() throws {
        let folder = ScratchFolder()
        let gate = Gate()
        // The files say nothing of a seed; the engine, once loaded, takes one.
        let loader = ToneLoader(kind: .piper, capabilities: [.voices, .speed, .streaming, .seed], loadGate: gate)
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: loader)
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.command("seed 42")
        #expect(studio.loadedModels.isEmpty)
        studio.handle(.character("s"))
        gate.release()
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        let take = try #require(studio.takes.first)
        #expect(take.settings.seed == .fixed(42))
        #expect(take.seed == 42)
        studio.shutdown()
    }

    func blendingStudio(_ folder: ScratchFolder, loader: ToneLoader? = nil, output: any AudioOutput = ManualOutput()) throws -> StudioModel {
        let loader = loader ?? ToneLoader(kind: .piper, capabilities: [.voices, .speed, .streaming, .voiceBlend])
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), loader: loader, output: output)
        #expect(studio.settle { !studio.loadedModels.isEmpty || !studio.loadFailures.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        return studio
    }

    @Test func invalidBlendsAreRefusedAtVoice() throws {
        let folder = ScratchFolder()
        let studio = try blendingStudio(folder)
        for (blend, says) in [("low:0.7,nope:0.3", "nope"), ("low:abc", "abc"), ("low:0,high:0", "0"), ("low:-1", "-1"), ("low:0.5,", "blend")] {
            studio.command("voice \(blend)")
            let shown = try #require(studio.log.current(at: studio.now))
            #expect(shown.isError && shown.text.contains(says), "\(blend): \(shown.text)")
            #expect(studio.settings.voice == nil, "\(blend)")
        }
        studio.command("voice LOW:0.7,high:0.3")
        #expect(studio.settings.voice == "low:0.7,high:0.3")
        #expect(studio.log.current(at: studio.now)?.isError == false)
        studio.shutdown()
    }

    @Test func aFailedTakeKeepsItsErrorInViewAndDoesNotUseUpANumber() throws {
        let folder = ScratchFolder()
        let loader = ToneLoader(kind: .piper, capabilities: [.voices, .speed, .streaming], synthesisFailure: "the engine refused this text")
        let studio = try blendingStudio(folder, loader: loader, output: ManualOutput(failure: "no audio device (default)"))
        for _ in 0..<2 {
            studio.handle(.character("s"))
            #expect(studio.settle { studio.jobs.isEmpty })
            studio.playback.settle()
            studio.settle(timeout: 0.3) { false }
        }
        #expect(studio.takes.isEmpty)
        #expect(studio.manifest.nextTakeID == 1)
        let shown = try #require(studio.log.current(at: studio.now))
        #expect(shown.text.contains("the engine refused this text"), "\(shown.text)")
        studio.shutdown()
    }

    @Test func kokoroSpeaksTheLanguagesOfItsVoices() throws {
        let folder = ScratchFolder()
        try folder.write("jf_alpha\njm_kumo\n", to: "models/tones/voices.tone")
        let studio = try makeStudio(folder: folder, models: folder.path("models"), loader: VoiceLanguageFamily())
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.command("lang ja")
        #expect(studio.settings.language == "ja", "\(studio.log.messages.map(\.text))")
        #expect(studio.log.current(at: studio.now)?.isError == false)
        #expect(studio.activeLanguages.contains("en-us") && studio.activeLanguages.contains("ja"))
        studio.command("lang xx")
        #expect(studio.log.current(at: studio.now)?.isError == true)
        #expect(studio.settings.language == "ja")
        studio.shutdown()
    }
}

/// Like Kokoro: the engine lists English, and the voices in the files are Japanese.
struct VoiceLanguageFamily: ModelFamily {
    var kind: ModelKind { .tone }
    var displayName: String { "Tone generator" }
    var shortName: String { "Tone" }

    func describe(files listing: inout FolderListing) -> [ModelDescriptor] {
        let files = listing.unclaimed.filter { $0.hasSuffix(".tone") }
        return files.map { file in
            listing.claim(file)
            let url = listing.url(file)
            let voices = ((try? String(contentsOf: url, encoding: .utf8)) ?? "")
                .split(whereSeparator: \.isNewline).map { VoiceInfo(id: String($0), language: "ja") }
            return ModelDescriptor(name: String(file.dropLast(".tone".count)), kind: .tone, url: url,
                                   files: [ModelFile(role: "tones", url: url, status: .ok)],
                                   voices: voices, languages: ["ja"], capabilities: [.voices, .streaming])
        }
    }

    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        ToneEngine(model: model, capabilities: [.voices, .streaming, .languages], languages: ["en-us", "en-gb"])
    }
}
