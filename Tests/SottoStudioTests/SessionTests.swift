import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

@Suite struct SessionStoreTests {
    func sampleTake(_ id: Int, file: String?) -> Take {
        Take(id: id, createdAt: Date(timeIntervalSince1970: 1_700_000_000), text: "take \(id)",
             model: TakeModel(id: "piper:x", name: "x", kind: .piper, variant: nil), settings: VoiceSettings(voice: "v"),
             seed: 11, sampleRate: 16_000, frames: 1_600, audioFile: file,
             metrics: TakeMetrics(timeToFirstAudio: 0.1, synthesisSeconds: 0.2, audioSeconds: 0.1), notes: ["n"],
             outcome: .complete)
    }

    @Test func aSessionReopensWithEverythingInIt() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        var manifest: SessionManifest
        do {
            let (handle, created) = try store.create(now: Date(timeIntervalSince1970: 1_700_000_000))
            manifest = created
            manifest.text = "日本語 and more"
            manifest.takes = [sampleTake(1, file: "take-0001.wav")]
            manifest.markA = 1
            manifest.votes = [BlindVote(date: Date(timeIntervalSince1970: 1_700_000_100), takeA: 1, takeB: 2, order: [2, 1], preferred: 2)]
            manifest.nextTakeID = 3
            try handle.writeManifest(manifest)
        }
        let (_, reopened, notes) = try store.openLastOrCreate()
        #expect(reopened == manifest)
        #expect(notes.isEmpty)
    }

    @Test func aSessionOpenInAnotherStudioIsLeftAlone() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        let (first, _) = try store.create(now: Date(timeIntervalSince1970: 1_700_000_000))
        let second = try store.openLastOrCreate(now: Date(timeIntervalSince1970: 1_700_000_500))
        #expect(second.session.id != first.id)
        #expect(second.notes.contains { $0.contains("open in another studio") })
    }

    @Test func takesWhoseManifestUpdateWasLostAreRecovered() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        do {
            let (handle, manifest) = try store.create()
            try handle.writeManifest(manifest)
            // The take's record reached the disk; the studio died before the manifest did.
            try handle.writeRecord(sampleTake(4, file: "take-0004.wav"))
        }
        let (_, reopened, notes) = try store.openLastOrCreate()
        #expect(reopened.takes.map(\.id) == [4])
        #expect(reopened.nextTakeID == 5)
        #expect(notes.contains { $0.contains("recovered 1 take") })
    }

    @Test func anUnreadableSessionIsKeptAndANewOneStarted() throws {
        let folder = ScratchFolder("sessions")
        let store = SessionStore(root: folder.path("sessions"))
        let id: String
        do {
            let (handle, _) = try store.create(now: Date(timeIntervalSince1970: 1_700_000_000))
            id = handle.id
            try "{ not json".write(to: handle.manifestURL, atomically: true, encoding: .utf8)
        }
        let opened = try store.openLastOrCreate(now: Date(timeIntervalSince1970: 1_700_001_000))
        #expect(opened.session.id != id)
        #expect(opened.notes.contains { $0.contains("could not be read") })
        #expect(try String(contentsOf: folder.path("sessions/\(id)/session.json"), encoding: .utf8) == "{ not json")
    }

    @Test func atomicWritesLeaveNoTemporaryFiles() throws {
        let folder = ScratchFolder("atomic")
        let url = folder.path("a/b/file.json")
        for round in 0..<20 { try AtomicFile.write("round \(round)", to: url) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "round 19")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("a/b").path) == ["file.json"])
    }
}

@Suite struct NewSessionRaceTests {
    /// Studios started in the same second (`--new-session` twice at once) each get a session:
    /// both ask for the same id at the same moment and one takes the next suffix.
    @Test func sessionsCreatedInTheSameSecondAtOnceBothStart() throws {
        let folder = ScratchFolder("sessions")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for round in 0..<20 {
            let root = folder.path("sessions-\(round)")
            let results = LockedResults()
            let threads = (0..<2).map { _ in
                Thread {
                    let outcome = Result { try SessionStore(root: root).create(now: now) }.map { handle, _ in
                        // Keep the handle (and its lock) until both have tried.
                        Thread.sleep(forTimeInterval: 0.05)
                        return handle.id
                    }
                    results.append(outcome)
                }
            }
            threads.forEach { $0.start() }
            while results.all.count < 2 { Thread.sleep(forTimeInterval: 0.005) }
            let ids = try results.all.map { try $0.get() }
            #expect(Set(ids).count == 2, "round \(round): \(ids)")
        }
    }
}

private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<String, any Error>] = []
    func append(_ result: Result<String, any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<String, any Error>] { lock.withLock { results } }
}
