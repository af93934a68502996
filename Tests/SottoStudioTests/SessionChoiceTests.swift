import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// Which session a studio opens: never silently another one, never an empty one over one with
/// takes, and any of them by name.
@Suite struct SessionChoiceTests {
    func take(_ id: Int) -> Take {
        Take(id: id, createdAt: Date(timeIntervalSince1970: 1_700_000_000), text: "take \(id)",
             model: TakeModel(id: "piper:x", name: "x", kind: .piper, variant: nil), settings: VoiceSettings(voice: "v"),
             seed: 1, sampleRate: 16_000, frames: 16, audioFile: nil,
             metrics: TakeMetrics(timeToFirstAudio: 0.1, synthesisSeconds: 0.1, audioSeconds: 0.001), notes: [], outcome: .complete)
    }

    /// A session with one take, remembered as the last.
    func sessionWithATake(_ store: SessionStore, now: Date) throws -> String {
        let (handle, created) = try store.create(now: now)
        var manifest = created
        manifest.takes = [take(1)]
        manifest.nextTakeID = 2
        try handle.writeManifest(manifest)
        try store.rememberLast(handle.id)
        return handle.id
    }

    @Test func whenAnotherStudioHoldsTheLastSessionANewOneIsStartedNamingBoth() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        let first = try sessionWithATake(store, now: Date(timeIntervalSince1970: 1_700_000_000))
        do {
            let holder = try store.openLastOrCreate(now: Date(timeIntervalSince1970: 1_700_000_100))
            #expect(holder.session.id == first)
            let second = try store.openLastOrCreate(now: Date(timeIntervalSince1970: 1_700_000_200))
            #expect(second.session.id != first)
            #expect(second.notes.contains { $0.contains(first) && $0.contains(second.session.id) && $0.contains("another studio") })
            // The new, empty session does not become the one to reopen.
            #expect(store.lastID() == first)
        }
        // Both studios gone: the next one reopens the session with the take.
        let third = try store.openLastOrCreate(now: Date(timeIntervalSince1970: 1_700_000_300))
        #expect(third.session.id == first)
        #expect(third.manifest.takes.count == 1)
        #expect(store.summaries().map(\.id).contains(first))
        #expect(store.summaries().count == 2)
    }

    @Test func aNamedSessionIsCreatedThenReopenedAndABusyOneIsRefused() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        do {
            let created = try store.openOrCreate(named: "radio-spots")
            #expect(created.manifest.id == "radio-spots")
            #expect(throws: (any Error).self) { try store.openOrCreate(named: "radio-spots") }
        }
        let reopened = try store.openOrCreate(named: "radio-spots")
        #expect(reopened.session.id == "radio-spots")
        #expect(throws: (any Error).self) { try store.openOrCreate(named: "../escape") }
    }

    @Test func theStudioSaysWhichSessionItStartedAndWhy() throws {
        let folder = ScratchFolder()
        let models = try makeFakeModels(in: folder)
        let store = SessionStore(root: folder.path("sessions"))
        let first = try sessionWithATake(store, now: Date(timeIntervalSince1970: 1_700_000_000))
        let holder = try store.openOrCreate(named: first)
        let studio = try makeStudio(folder: folder, models: models)
        #expect(studio.manifest.id != first)
        // Said after the model's load message too, so it is what the status bar shows.
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        let shown = try #require(studio.log.current(at: studio.now))
        #expect(shown.text.contains(first) && shown.text.contains(studio.manifest.id), "\(shown.text)")
        studio.shutdown()
        _ = holder
        #expect(store.lastID() == first)
    }

    @Test func sessionsAreListedOpenedByNameAndRememberedOnceTheyHaveATake() throws {
        let folder = ScratchFolder()
        let models = try makeFakeModels(in: folder)
        let store = SessionStore(root: folder.path("sessions"))
        let studio = try makeStudio(folder: folder, models: models, sessionName: "demo")
        #expect(studio.manifest.id == "demo")
        #expect(store.lastID() == nil)
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty })
        #expect(store.lastID() == "demo")

        studio.command("open other")
        #expect(studio.manifest.id == "other")
        #expect(studio.takes.isEmpty)
        #expect(store.lastID() == "demo")
        studio.command("sessions")
        #expect(studio.overlay == .sessions)
        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "demo").isEmpty, "\(grid.text)")
        #expect(!grid.rows(containing: "(this one)").isEmpty, "\(grid.text)")
        #expect(!grid.rows(containing: " SESSIONS ").isEmpty, "\(grid.text)")
        studio.handle(.escape)

        studio.command("open demo")
        #expect(studio.manifest.id == "demo")
        #expect(studio.takes.count == 1)
        #expect(studio.text.text == "Hello there.")
        studio.shutdown()
    }
}
