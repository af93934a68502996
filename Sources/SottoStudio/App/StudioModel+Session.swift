import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    /// Writes the session now (in the background): after a take, a mark, a vote.
    public func saveNow() {
        manifest.text = text.text
        manifest.settings = settings
        manifest.modelID = activeModelID
        manifest.updatedAt = Date()
        textDirtySince = nil
        writer.save(manifest, to: session)
    }

    /// Writes the session after the current burst of changes (settings, text).
    func saveSoon() {
        if textDirtySince == nil { textDirtySince = now }
    }

    /// Starts an empty session; the current one stays on disk as it is.
    public func startNewSession() {
        stopEverything()
        lane.settle(timeout: 30)
        for event in lane.takeEvents() { apply(event) }
        saveNow()
        writer.flush()
        do {
            let (handle, fresh) = try SessionStore(root: environment.sessionsDirectory).create()
            let previous = manifest.id
            session = handle
            manifest = fresh
            manifest.nextTakeID = 1
            closeListeningTests()
            library.forgetAll()
            takeCursor = ListCursor()
            saveNow()
            info("new session \(fresh.id) (the previous one, \(previous), is kept)")
        } catch {
            self.error("could not start a new session: \(SottoError.describe(error))")
        }
    }

    /// Opens the session `name` names: a session in the sessions folder (created if there is
    /// none), or, given a path (`~/x`, `./x`, `/x`), that folder as a session.
    static func openNamedSession(_ name: String, sessionsDirectory: URL) throws -> (session: SessionHandle, manifest: SessionManifest, notes: [String]) {
        let trimmed = name.trimming(" ")
        if trimmed.contains("/") || trimmed == "~" {
            let url = URL(fileURLWithPath: expandPath(trimmed)).standardizedFileURL
            let store = SessionStore(root: url.deletingLastPathComponent())
            return try store.openOrCreate(named: url.lastPathComponent)
        }
        return try SessionStore(root: sessionsDirectory).openOrCreate(named: trimmed)
    }

    /// `:open NAME`: leaves this session (saved, and kept) for the one `name` names, creating
    /// it when there is none. Nothing changes when it cannot be opened.
    public func openSession(_ name: String) {
        let trimmed = name.trimming(" ")
        if trimmed == manifest.id || URL(fileURLWithPath: Self.expandPath(trimmed)).standardizedFileURL.path == session.folder.standardizedFileURL.path {
            info("session \(manifest.id) is the one open")
            return
        }
        stopEverything()
        lane.settle(timeout: 30)
        for event in lane.takeEvents() { apply(event) }
        saveNow()
        writer.flush()
        let opened: (session: SessionHandle, manifest: SessionManifest, notes: [String])
        do {
            opened = try Self.openNamedSession(trimmed, sessionsDirectory: environment.sessionsDirectory)
        } catch {
            self.error("cannot open session \(trimmed): \(SottoError.describe(error))")
            return
        }
        let previous = manifest.id
        session = opened.session
        manifest = opened.manifest
        closeListeningTests()
        failedTakeIDs = []
        library.forgetAll()
        takeCursor = ListCursor()
        takeFilter = FilterQuery("")
        restoreFromManifest()
        loadActiveModelIfPossible()
        for note in opened.notes { info(note) }
        let count = manifest.takes.count
        info("session \(manifest.id): \(count) take\(count == 1 ? "" : "s") (the previous one, \(previous), is kept)")
    }

    /// `:sessions`: every session on disk, most recently used first.
    public var sessionSummaries: [SessionStore.Summary] {
        SessionStore(root: environment.sessionsDirectory).summaries()
    }

    /// Whether the open session is one of the sessions folder's (not a folder named by path).
    public var sessionIsInSessionsFolder: Bool {
        session.folder.deletingLastPathComponent().standardizedFileURL.path
            == environment.sessionsDirectory.standardizedFileURL.path
    }

    /// Makes the session the one the next `sotto` reopens, once it holds a take (and only for
    /// sessions in the sessions folder).
    func rememberSessionIfItHasTakes() {
        guard !manifest.takes.isEmpty, sessionIsInSessionsFolder else { return }
        let store = SessionStore(root: environment.sessionsDirectory)
        guard store.lastID() != manifest.id else { return }
        do {
            try store.rememberLast(manifest.id)
        } catch {
            self.error("could not remember session \(manifest.id) as the last: \(SottoError.describe(error))")
        }
    }

    /// The take a command names, else the selected one; nil, with the reason said, when there
    /// is neither.
    func chosenTakeID(_ reference: String?, noTakes: String, noSelection: String) -> Int? {
        if let reference { return resolveTake(reference) }
        if let selected = selectedTake { return selected.id }
        error(manifest.takes.isEmpty ? noTakes : noSelection)
        return nil
    }

    /// Writes a take to `path` as WAV, FLAC or Ogg by its extension; relative paths are from the
    /// folder the studio was started in, `~` is the home folder.
    public func export(takeReference: String?, to rawPath: String) {
        guard let takeID = chosenTakeID(takeReference, noTakes: "no takes to export yet", noSelection: "select a take to export"),
              let take = take(takeID) else { return }
        let path = Self.expandPath(rawPath)
        guard AudioFileFormat(path: path) != nil else {
            error("cannot tell the format of \(rawPath): end it in .wav, .flac or .ogg")
            return
        }
        let source = library.cached(takeID)
        let file = take.audioFile.map { session.audioURL($0) }
        let library = self.library
        do {
            let buffer: PlaybackBuffer
            if let source, source.isFinished {
                buffer = source
            } else if let file {
                buffer = try library.load(takeID, from: file)
            } else {
                throw SottoError("take #\(takeID) has no saved audio")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw SottoError("there is no folder \(folder)", hint: "create it first, or export elsewhere")
            }
            try AudioFile.write(samples: buffer.samples(), sampleRate: buffer.sampleRate, to: path)
            info("take #\(takeID) written to \(path)")
        } catch {
            self.error("export failed: \(SottoError.describe(error))")
        }
    }

    func promptExport() {
        guard let take = selectedTake else {
            error(manifest.takes.isEmpty ? "no takes to export yet" : "select a take to export")
            return
        }
        let voice = (take.settings.voice ?? "take").replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: ",", with: "+")
        openCommandLine("export take-\(take.id)-\(voice).wav")
    }

    /// A take id from "7", "#7", "A" or "B".
    func resolveTake(_ reference: String) -> Int? {
        let word = reference.trimming(" ")
        switch word.lowercased() {
        case "a":
            guard let a = manifest.markA else { error("no take is marked A"); return nil }
            return a
        case "b":
            guard let b = manifest.markB else { error("no take is marked B"); return nil }
            return b
        default:
            let digits = word.hasPrefix("#") ? String(word.dropFirst()) : word
            guard let id = Int(digits) else {
                error("\"\(reference)\" is not a take: give its number, A or B")
                return nil
            }
            guard take(id) != nil || jobs.contains(where: { $0.takeID == id }) else {
                error("there is no take #\(id)")
                return nil
            }
            return id
        }
    }

    /// An absolute path, so messages say where a file went: `~` as a shell expands it (`$HOME`
    /// first: it can differ from the password database's home, e.g. under sudo), and a relative
    /// path from the folder the studio was started in.
    public static func expandPath(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: currentDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// `q`: stops playback and cancels synthesis at once, and says so while the lane finishes
    /// (a take cut short is still saved before the studio ends).
    public func requestQuit() {
        shouldQuit = true
        lane.cancelAll()
        playback.stop()
        sayQuitting()
    }

    /// While a take is still being wound up, the status bar says the studio is quitting (again,
    /// if anything said since has taken its place).
    public func sayQuitting() {
        guard !jobs.isEmpty || lane.activity != .idle else { return }
        let text = "quitting… (cancelling the take being made; what was made is kept)"
        if log.current(at: now)?.text != text { info(text) }
    }

    /// Saves everything and stops the worker threads; call before leaving.
    public func shutdown() {
        lane.cancelAll()
        playback.shutdown()
        // A take cut short by quitting is still kept: wait for the lane to write it.
        lane.shutdown()
        for event in lane.takeEvents() { apply(event) }
        saveNow()
        writer.shutdown()
        library.shutdown()
    }
}
