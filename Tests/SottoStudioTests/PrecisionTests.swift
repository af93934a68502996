import Foundation
import SottoCore
import SottoStudio
import Synchronization
import Testing

/// Loads a tone engine under the Qwen3-TTS kind, remembering the precision of each load.
struct PrecisionFamily: ModelFamily {
    final class Loads: Sendable {
        let list = Mutex<[WeightPrecision?]>([])
        var all: [WeightPrecision?] { list.withLock { $0 } }
    }

    let loads: Loads
    var kind: ModelKind { "qwen3" }
    var displayName: String { "Qwen3-TTS (tone)" }
    var shortName: String { "Qwen3" }

    func describe(files listing: inout FolderListing) -> [ModelDescriptor] {
        let files = listing.unclaimed.filter { $0.hasSuffix(".tone") }
        return files.map { file in
            listing.claim(file)
            let url = listing.url(file)
            return ModelDescriptor(name: String(file.dropLast(".tone".count)), kind: "qwen3", url: url,
                                   files: [ModelFile(role: "tones", url: url, status: .ok)],
                                   voices: [VoiceInfo(id: "low"), VoiceInfo(id: "high")], capabilities: [.voices, .streaming, .seed])
        }
    }

    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        loads.list.withLock { $0.append(options.precision) }
        return ToneEngine(model: model, capabilities: [.voices, .streaming, .seed])
    }
}

@Suite struct PrecisionTests {
    @Test func qwen3LoadsAtInt8AndAChangeOfPrecisionReloadsItAndIsRecorded() throws {
        let folder = ScratchFolder()
        try folder.write("tones\n", to: "models/tones/qwen3-tone.tone")
        let loads = PrecisionFamily.Loads()
        let studio = try makeStudio(folder: folder, models: folder.path("models"), loader: PrecisionFamily(loads: loads))
        let model = try #require(studio.activeModel)
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        #expect(loads.all == [.int8])
        #expect(studio.controlFields.contains(.precision))

        studio.command("precision bf16")
        #expect(studio.settle { studio.lane.loadedPrecisions(model.id) == [.bf16] })
        #expect(loads.all == [.int8, .bf16])
        studio.command("precision int9")
        #expect(studio.log.current(at: studio.now)?.isError == true)
        #expect(studio.settings.precision == .bf16)

        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        #expect(studio.takes[0].settings.precision == .bf16)
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        // In Controls, on the take's row in Takes and in its Metrics.
        #expect(grid.text.components(separatedBy: "bf16").count - 1 >= 3, "\(grid.text)")
        #expect(!grid.rows(containing: "Precision").isEmpty, "\(grid.text)")

        studio.command("preset save Studio bf16")
        let saved = try String(contentsOf: folder.path("config/voices/Studio bf16.voice"), encoding: .utf8)
        #expect(saved.contains("precision = bf16"))
        studio.command("precision default")
        #expect(studio.settle { studio.lane.loadedPrecisions(model.id) == [.int8] })
        studio.command("preset Studio bf16")
        #expect(studio.settings.precision == .bf16)
        #expect(studio.settle { studio.lane.loadedPrecisions(model.id) == [.bf16] })
        studio.shutdown()
    }

    @Test func modelsWithOnePrecisionHaveNoPrecisionControl() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder))
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        #expect(!studio.controlFields.contains(.precision))
        studio.command("precision int8")
        #expect(studio.log.current(at: studio.now)?.isError == true)
        studio.shutdown()
    }
}
