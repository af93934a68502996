import Foundation
import SottoCore
import SottoMetrics

extension StudioModel {
    /// Queues a take of the current text with the current model and settings. The engine lane
    /// loads the model first if needed; the take streams to the speakers as it is made.
    public func synthesize() {
        let spoken = text.text
        guard !spoken.trimming(" \n").isEmpty else {
            error("there is no text to speak: press i and type some")
            return
        }
        guard let model = activeModel else {
            error(models.isEmpty ? "no models in \(environment.modelsDirectory.path); run Scripts/setup"
                                 : "choose a model first (Models pane, Enter)")
            return
        }
        if !model.isComplete {
            error("model \(model.name) is incomplete: \(model.problems.joined(separator: "; ")) (\(model.repairHint))")
            return
        }
        if let reason = unsupportedReason(model) {
            loadFailures[model.id] = reason
            error(reason)
            return
        }
        let caps = capabilities
        if caps.contains(.voiceDesign), settings.voiceDescription.trimming(" ").isEmpty {
            error("\(model.name) designs a voice from a description: fill in Design in the Controls pane")
            return
        }
        // Decided here even while the model is still loading (what its files say it can do is a
        // guess); the lane drops the seed for an engine that takes none.
        let seed: UInt64
        switch settings.seed {
        case .fixed(let value): seed = value
        case .random: seed = random.next() % (UInt64(UInt32.max) + 1)
        }
        closeListeningTests()
        enqueueTake(text: spoken, model: model, settings: settings, seed: seed, streamToSpeakers: config.autoplay)
        saveNow()
    }

    /// Queues one take of `spoken` (loading its model first if needed); returns its number.
    @discardableResult
    func enqueueTake(text spoken: String, model: ModelDescriptor, settings: VoiceSettings, seed: UInt64, streamToSpeakers: Bool) -> Int {
        let takeID = manifest.nextTakeID
        manifest.nextTakeID += 1
        // The take records the precision it is made at, chosen or the default.
        var used = settings
        used.precision = precision(for: model)
        let job = SynthesisJob(
            takeID: takeID, model: model, text: spoken, settings: used, seed: seed,
            requestedAt: now, requestedDate: Date(), streamToSpeakers: streamToSpeakers, session: session)
        jobs.append(job)
        if !isLoadedForNextTake(model) {
            requestedLoads.insert(model.id)
            lane.unload(model.id, keeping: used.precision)
        }
        lane.synthesize(job)
        takeCursor.set(takeRows.count - 1, count: takeRows.count)
        return takeID
    }

    /// Advances time: picks up what the engine lane, the player and the session writer did.
    public func tick() {
        let time = now
        for event in lane.takeEvents() { apply(event) }
        for failure in writer.takeFailures() { error(failure) }
        noticePlaybackChanges()
        if time - memoryReadAt >= 0.25 {
            memory = ProcessMemory.read()
            memoryReadAt = time
        }
        if let since = textDirtySince, time - since >= 1 { saveNow() }
    }

    func apply(_ event: LaneEvent) {
        switch event {
        case .loaded(let modelID, .success(let loaded)):
            requestedLoads.remove(modelID)
            loadFailures[modelID] = nil
            let name = models.first { $0.id == modelID }?.name ?? modelID
            info("\(name) loaded in " + String(format: "%.2f s", loaded.loadSeconds))
            if let notice = startupNotice {
                startupNotice = nil
                info(notice)
            }
            if modelID == activeModelID {
                let voices = loaded.voices.map(\.id)
                if let voice = settings.voice, !voices.isEmpty, !voices.contains(voice), !voice.contains(":") {
                    info("\(name) has no voice \(voice); using its default")
                    settings.voice = nil
                }
                let rows = voiceRows
                voiceCursor.clamp(count: rows.count) { rows[$0].isSelectable }
                controlIndex = min(controlIndex, max(0, controlFields.count - 1))
            }
        case .loaded(let modelID, .failure(let failure)):
            requestedLoads.remove(modelID)
            loadFailures[modelID] = failure.description
            error(failure.description)
        case .unloaded(let modelID):
            requestedLoads.remove(modelID)
            let name = models.first { $0.id == modelID }?.name ?? modelID
            info("\(name) unloaded")
        case .synthesisFinished(let outcome):
            finish(outcome)
        case .voiceKept(let kept):
            finishKeeping(kept)
        }
    }

    func finish(_ outcome: SynthesisOutcome) {
        let selectedWasLive = selectedTakeRow?.takeID == outcome.takeID
        jobs.removeAll { $0.takeID == outcome.takeID }
        if let take = outcome.take {
            manifest.takes.append(take)
            manifest.takes.sort { $0.id < $1.id }
            if let error = outcome.error {
                self.error(error)
            } else if outcome.cancelled {
                info(String(format: "take #%d cancelled; %.1f s of audio kept", take.id, take.seconds))
            } else {
                info(Self.summary(of: take))
            }
            for note in take.notes { info("note: \(note)") }
        } else if let error = outcome.error {
            failedTakeIDs.insert(outcome.takeID)
            if playbackSnapshot.takeID == outcome.takeID, playbackSnapshot.isActive { playback.stop() }
            self.error(error)
        }
        // A take that made nothing does not use up its number.
        manifest.nextTakeID = ([1] + manifest.takes.map { $0.id + 1 } + jobs.map { $0.takeID + 1 }).max() ?? 1
        noteSweepOutcome(outcome)
        rememberSessionIfItHasTakes()
        let rows = takeRows
        if selectedWasLive, let index = rows.firstIndex(where: { $0.takeID == outcome.takeID }) {
            takeCursor.set(index, count: rows.count)
        } else {
            takeCursor.clamp(count: rows.count)
        }
        saveNow()
    }

    static func summary(of take: Take) -> String {
        var parts = ["take #\(take.id)", String(format: "%.2f s of audio", take.seconds), take.metrics.realTimeFactor.label]
        if let first = take.metrics.timeToFirstAudio { parts.append(String(format: "first audio %.2f s", first)) }
        return parts.joined(separator: " · ")
    }

    /// Reports playback trouble when it starts, not on every frame nor on every later attempt
    /// that fails the same way (the playback strip keeps saying why).
    func noticePlaybackChanges() {
        let snapshot = playbackSnapshot
        defer { lastPlaybackPhase = snapshot.phase }
        guard snapshot.phase != lastPlaybackPhase else { return }
        switch snapshot.phase {
        case .failed(let message) where message != lastPlaybackError:
            lastPlaybackError = message
            // The take's own failure is the news; its stream had nothing to play.
            if let takeID = snapshot.takeID, failedTakeIDs.contains(takeID) { return }
            error("playback: \(message)" + (message.contains("no audio device") ? " — takes are still saved and can be exported (e)" : ""))
        case .playing:
            lastPlaybackError = nil
        default:
            break
        }
    }
}
