import Foundation
import SottoCore
import SottoEngines
import SottoRuntime
import SottoStudio
import Testing

extension ModelKind {
    /// Declared here, in the tests, like any family's kind: no shared list names it.
    static let tone: ModelKind = "tone"
}

/// A model family that exists only in these tests: a `NAME.tone` file is a tone generator whose
/// two voices, low and high, are listed in the file.
struct ToneFamily: ModelFamily {
    var kind: ModelKind { .tone }
    var displayName: String { "Tone generator" }
    var shortName: String { "Tone" }
    var gate: Gate?

    func describe(files listing: inout FolderListing) -> [ModelDescriptor] {
        let files = listing.unclaimed.filter { $0.hasSuffix(".tone") }
        return files.map { file in
            listing.claim(file)
            let url = listing.url(file)
            let voices = ((try? String(contentsOf: url, encoding: .utf8)) ?? "")
                .split(whereSeparator: \.isNewline).map { VoiceInfo(id: String($0)) }
            return ModelDescriptor(name: String(file.dropLast(".tone".count)), kind: .tone, url: url,
                                   files: [ModelFile(role: "tones", url: url, status: voices.isEmpty ? .corrupt("no voices") : .ok)],
                                   voices: voices, capabilities: [.voices, .streaming])
        }
    }

    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        ToneEngine(model: model, capabilities: [.voices, .streaming], gate: gate)
    }
}

/// A new family joins by being registered: listed by the catalog, loaded, synthesised through a
/// lane and shown in the studio, with no shared enum or switch edited.
@Suite struct ToyFamilyTests {
    let families = ModelFamilies.standard.adding(ToneFamily())

    func toneModels(_ folder: ScratchFolder) throws -> URL {
        try folder.write("low\nhigh\n", to: "models/tones/beep.tone")
        return folder.path("models")
    }

    @Test func theCatalogListsAndResolvesIt() throws {
        let folder = ScratchFolder("toy")
        let directory = try toneModels(folder)
        let catalog = ModelCatalog(directory: directory, families: families)
        #expect(catalog.models.map(\.id) == ["tone:beep"])
        let model = try catalog.resolve("tone")
        #expect(model.voices.map(\.id) == ["low", "high"])
        #expect(model.isComplete)
        #expect(families.displayName(of: model.kind) == "Tone generator")
        // A path is read through its family, without scanning the models folder.
        let byPath = try ModelCatalog.resolve(directory.appendingPathComponent("tones/beep.tone").path,
                                              directory: folder.path("elsewhere"), families: families)
        #expect(byPath.id == "tone:beep")
        // Without the family registered, the file is nobody's.
        #expect(ModelCatalog(directory: directory, families: .standard).models.isEmpty)
    }

    @Test func aLaneLoadsItAndStreamsTimedChunks() async throws {
        let folder = ScratchFolder("toy")
        let model = try ModelCatalog(directory: try toneModels(folder), families: families).resolve("tone:beep")
        let lane = ModelLane(model: model, families: families)
        defer { lane.shutdown() }
        var chunks: [TimedChunk] = []
        var start: SynthesisStart?
        var end: SynthesisEnd?
        for try await event in try lane.stream(LaneRequest(text: "Beep.", options: SynthesisOptions(voice: "high"))) {
            switch event {
            case .preparing: break
            case .started(let value): start = value
            case .chunk(let chunk): chunks.append(chunk)
            case .finished(let value): end = value
            }
        }
        #expect(start?.request.voice == "high")
        #expect(start?.sampleRate == 16_000)
        #expect(chunks.count == 3)
        #expect(chunks.map(\.chunk.index) == [0, 1, 2])
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.at <= $1.at && $0.sinceStart <= $1.sinceStart })
        #expect(end?.outcome == .completed)
        #expect(end?.frames == 3 * 8_000)
        #expect(lane.loaded?.voices.map(\.id) == ["low", "high"])
    }

    @Test func aFullQueueIsRefusedAndAGoneReaderCancels() async throws {
        let folder = ScratchFolder("toy")
        let gate = Gate()
        let gated = ModelFamilies.standard.adding(ToneFamily(gate: gate))
        let model = try ModelCatalog(directory: try toneModels(folder), families: gated).resolve("tone:beep")
        let lane = ModelLane(model: model, families: gated, queueLimit: 1)
        defer { lane.shutdown() }
        let running = LaneRequest(id: 1, text: "One.")
        let first = try lane.stream(running)
        var iterator = first.makeAsyncIterator()
        // Wait until the first request runs (held by the gate after its first chunk).
        while true {
            if case .chunk = try await iterator.next() { break }
        }
        let waiting = try lane.stream(LaneRequest(id: 2, text: "Two."))
        #expect(lane.waitingCount == 1)
        #expect(throws: LaneQueueFull.self) { try lane.stream(LaneRequest(id: 3, text: "Three.")) }
        running.cancellation.cancel()
        var firstOutcome: SynthesisEnd.Outcome?
        while let event = try await iterator.next() {
            if case .finished(let end) = event { firstOutcome = end.outcome }
        }
        #expect(firstOutcome == .cancelled)
        gate.release()
        var outcomes: [SynthesisEnd.Outcome] = []
        for try await event in waiting {
            if case .finished(let end) = event { outcomes.append(end.outcome) }
        }
        #expect(outcomes == [.completed])
    }

    @Test func aTaskThatStopsListeningCancelsItsRequest() async throws {
        let folder = ScratchFolder("toy")
        let gate = Gate()
        let gated = ModelFamilies.standard.adding(ToneFamily(gate: gate))
        let model = try ModelCatalog(directory: try toneModels(folder), families: gated).resolve("tone:beep")
        let lane = ModelLane(model: model, families: gated)
        defer { lane.shutdown() }
        let request = LaneRequest(text: "Beep.")
        let listener = Task {
            for try await event in try lane.stream(request) {
                if case .chunk = event { break }  // stops listening after the first chunk
            }
        }
        try await listener.value
        #expect(eventually { request.cancellation.isCancelled })
    }

    @Test func theStudioListsItAndMakesATake() throws {
        let folder = ScratchFolder("toy")
        let studio = try makeStudio(folder: folder, models: try toneModels(folder), loader: ToneFamily())
        defer { studio.shutdown() }
        #expect(studio.models.map(\.id) == ["tone:beep"])
        #expect(studio.settle { studio.loadedModels["tone:beep"] != nil })
        studio.handle(.character("i"))
        studio.type("Beep.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        #expect(studio.takes.first?.model.id == "tone:beep")
        #expect(studio.takes.first?.seconds == 1.5)
    }
}
