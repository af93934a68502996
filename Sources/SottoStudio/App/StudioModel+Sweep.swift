import Foundation
import SottoCore

/// Sweeps: one text made over a grid of settings as a batch of ordinary takes, then listened
/// to and rated place by place in the sweep grid.
extension StudioModel {
    public var sweeps: [Sweep] { manifest.sweeps ?? [] }

    /// The sweep the grid shows: the one chosen, else the newest.
    public var shownSweep: Sweep? {
        guard let id = sweepGrid.sweepID else { return sweeps.last }
        return sweeps.first { $0.id == id }
    }

    /// `:sweep` alone or with a number shows a grid; `:sweep cancel` stops the queued takes;
    /// anything else is a new sweep.
    func runSweepCommand(_ argument: String?) {
        let word = (argument ?? "").trimming(" ")
        let number = Int(word.hasPrefix("#") ? String(word.dropFirst()) : word)
        if word.isEmpty || number != nil {
            openSweepGrid(number)
        } else if ["cancel", "stop"].contains(word.lowercased()) {
            cancelQueuedSweepTakes()
        } else {
            startSweep(word)
        }
    }

    public func openSweepGrid(_ id: Int? = nil) {
        guard let newest = sweeps.last else {
            error("no sweeps in this session yet: e.g. :sweep voice=jf_alpha,jm_kumo speed=0.9,1.1")
            return
        }
        guard id == nil || sweeps.contains(where: { $0.id == id }) else {
            error("there is no sweep #\(id!) (sweeps: \(sweeps.map { "#\($0.id)" }.joined(separator: ", ")))")
            return
        }
        sweepGrid.show(id ?? newest.id)
        openOverlay(.sweep)
        selectSweepTake()
    }

    /// Queues one take per place of the grid `argument` describes, all of the current text with
    /// the current settings but for what the sweep varies.
    public func startSweep(_ argument: String) {
        let spoken = text.text
        do {
            let plan = try SweepPlan.parse(argument, currentVoice: settings.voice)
            guard !spoken.trimming(" \n").isEmpty else { throw SottoError("there is no text to sweep: press i and type some") }
            let requests = try sweepRequests(plan)
            if blind != nil { closeBlindTest() }
            // Heard one after another from the grid, not while they are made.
            let takeIDs = requests.map { enqueueTake(text: spoken, model: $0.model, settings: $0.settings, seed: $0.seed, streamToSpeakers: false) }
            let modelName = plan.dimensions.contains { $0.axis == .model } ? "models as swept" : (activeModel?.name ?? "")
            let sweep = Sweep(id: (sweeps.map(\.id).max() ?? 0) + 1, createdAt: Date(), text: spoken, modelName: modelName,
                              plan: plan, takeIDs: takeIDs)
            manifest.sweeps = sweeps + [sweep]
            sweepGrid.show(sweep.id)
            openOverlay(.sweep)
            info("sweep #\(sweep.id): \(takeIDs.count) take\(takeIDs.count == 1 ? "" : "s") queued (\(sweep.axesLabel), \(sweep.rows)×\(sweep.columns))")
            saveNow()
        } catch {
            self.error(error)
        }
    }

    /// What each place of the grid is made with, row by row; throws before anything is queued
    /// when a value cannot be used.
    func sweepRequests(_ plan: SweepPlan) throws -> [(model: ModelDescriptor, settings: VoiceSettings, seed: UInt64)] {
        let sweepsModels = plan.dimensions.contains { $0.axis == .model }
        var modelsByName: [String: ModelDescriptor] = [:]
        for dimension in plan.dimensions where dimension.axis == .model {
            let catalog = ModelCatalog(directory: environment.modelsDirectory, families: environment.families, models: models)
            for name in dimension.values { modelsByName[name] = try catalog.resolve(name) }
        }
        guard sweepsModels || activeModel != nil else {
            throw SottoError("choose a model first (Models pane, Enter), or sweep model=A,B")
        }
        // Voices are checked against the model in use when it does not change; across models
        // each take says for itself if its model lacks the voice.
        var spelled: [String: String] = [:]
        for dimension in plan.dimensions where !sweepsModels {
            switch dimension.axis {
            case .voice, .blend:
                for value in dimension.values { spelled[value] = try checkedSweepVoice(value) }
            case .design where !capabilities.contains(.voiceDesign):
                throw SottoError("\(activeModel?.name ?? "this model") does not design voices from a description: choose a VoiceDesign model to sweep design=")
            default:
                break
            }
        }
        // One seed for the whole sweep unless seeds are swept, so the takes differ only by
        // what the grid varies.
        let sharedSeed: UInt64
        if case .fixed(let value) = settings.seed { sharedSeed = value } else { sharedSeed = random.next() % (UInt64(UInt32.max) + 1) }
        var requests: [(model: ModelDescriptor, settings: VoiceSettings, seed: UInt64)] = []
        for row in 0..<plan.rows {
            for column in 0..<plan.columns {
                var used = settings
                var model = activeModel
                var seed = sharedSeed
                for (axis, value) in plan.values(row: row, column: column) {
                    switch axis {
                    case .voice, .blend: used.voice = spelled[value] ?? value
                    case .speed: used.speed = Double(value) ?? used.speed
                    case .seed:
                        seed = UInt64(value) ?? seed
                        used.seed = .fixed(seed)
                    case .design: used.voiceDescription = value
                    case .model: model = modelsByName[value]
                    }
                }
                guard let model else { throw SottoError("choose a model first (Models pane, Enter)") }
                if model.id != activeModelID, !plan.dimensions.contains(where: { $0.axis == .voice || $0.axis == .blend }),
                   let voice = used.voice, !model.voices.contains(where: { $0.id == voice }) {
                    used.voice = nil
                }
                try checkSweepable(model, settings: used)
                requests.append((model, used, seed))
            }
        }
        return requests
    }

    /// A voice or blend of the model in use, spelled as the model spells it.
    func checkedSweepVoice(_ value: String) throws -> String {
        if value.contains(":") || value.contains(",") { return try checkedBlend(value) }
        let voices = activeVoices
        guard !voices.isEmpty else { return value }
        guard let voice = voices.first(where: { $0.id == value }) ?? voices.first(where: { $0.id.lowercased() == value.lowercased() }) else {
            throw SottoError("\(activeModel?.name ?? "this model") has no voice \"\(value)\" (voices: \(voices.map(\.id).joined(separator: ", ")))")
        }
        return voice.id
    }

    /// What `synthesize` checks of the model in use, for each model of a sweep.
    func checkSweepable(_ model: ModelDescriptor, settings used: VoiceSettings) throws {
        if !model.isComplete {
            throw SottoError("model \(model.name) is incomplete: \(model.problems.joined(separator: "; ")) (\(model.repairHint))")
        }
        if let reason = unsupportedReason(model) { throw SottoError(reason) }
        let caps = loadedModels[model.id]?.capabilities ?? model.capabilities
        if caps.contains(.voiceDesign), used.voiceDescription.trimming(" ").isEmpty {
            throw SottoError("\(model.name) designs a voice from a description: sweep design=\"…\"|\"…\" or fill in Design")
        }
    }

    /// Cancels every sweep take still waiting its turn; the one being made finishes.
    public func cancelQueuedSweepTakes() {
        let queued = jobs.filter { job in
            job.progress.phase == .queued && !job.cancellation.isCancelled && sweeps.contains { $0.contains(takeID: job.takeID) }
        }
        guard !queued.isEmpty else {
            info("no sweep takes are waiting")
            return
        }
        for job in queued { job.cancellation.cancel() }
        info("\(queued.count) queued sweep take\(queued.count == 1 ? "" : "s") cancelled")
    }

    public func sweepStatus(of cell: SweepCell) -> SweepCellStatus {
        let job = jobs.first { $0.takeID == cell.takeID }
        return SweepCellStatus.of(jobStarted: job.map { $0.progress.phase != .queued }, take: take(cell.takeID), failure: cell.failure)
    }

    /// After a take finished: a sweep take that made nothing keeps why, and the numbers of a
    /// sweep's unmade takes stay reserved, so no later take lands in its grid.
    func noteSweepOutcome(_ outcome: SynthesisOutcome) {
        guard var list = manifest.sweeps else { return }
        if outcome.take == nil, let error = outcome.error, let index = list.firstIndex(where: { $0.contains(takeID: outcome.takeID) }) {
            list[index].noteFailure(takeID: outcome.takeID, error)
            manifest.sweeps = list
        }
        let highest = list.flatMap { $0.cells.map(\.takeID) }.max() ?? 0
        manifest.nextTakeID = max(manifest.nextTakeID, highest + 1)
    }

    // MARK: The grid

    var selectedSweepCell: SweepCell? {
        shownSweep?.cell(row: sweepGrid.row, column: sweepGrid.column)
    }

    func handleSweepGrid(_ key: Key) {
        guard let sweep = shownSweep else {
            overlay = nil
            return
        }
        let size = (rows: sweep.rows, columns: sweep.columns)
        switch key {
        case .escape, .character("q"), .character("w"): overlay = nil
        case .up, .character("k"): moveInSweep(rows: -1, columns: 0, size)
        case .down, .character("j"): moveInSweep(rows: 1, columns: 0, size)
        case .left, .character("h"): moveInSweep(rows: 0, columns: -1, size)
        case .right, .character("l"): moveInSweep(rows: 0, columns: 1, size)
        case .home, .character("g"): moveInSweep(rows: -size.rows, columns: -size.columns, size)
        case .end, .character("G"): moveInSweep(rows: size.rows, columns: size.columns, size)
        case .enter: playSweepCell()
        case .character(" "):
            if playbackSnapshot.isActive { playback.stop() } else { playSweepCell() }
        case .character(let digit) where ("0"..."5").contains(digit):
            rateSweepCell(Int(String(digit)).flatMap { $0 == 0 ? nil : $0 })
        case .character("x"): cancelQueuedSweepTakes()
        case .character("["): seek(by: -2)
        case .character("]"): seek(by: 2)
        case .character("a"), .character("b"):
            mark(key == .character("a") ? .a : .b, takeID: selectedSweepCell.flatMap { take($0.takeID)?.id })
        case .character("y"):
            if let cell = selectedSweepCell { copyCommand(takeReference: String(cell.takeID)) }
        case .control("c"): stopEverything()
        default: break
        }
    }

    /// Moves the grid's selection; the Takes list follows, and what was playing goes on with
    /// the take now selected, so a row or column can be listened through.
    func moveInSweep(rows: Int, columns: Int, _ size: (rows: Int, columns: Int)) {
        let wasPlaying = playbackSnapshot.isActive
        let before = (sweepGrid.row, sweepGrid.column)
        sweepGrid.move(rows: rows, columns: columns, in: size)
        guard before != (sweepGrid.row, sweepGrid.column) else { return }
        selectSweepTake()
        if wasPlaying { playSweepCell() }
    }

    func selectSweepCell(row: Int, column: Int) {
        guard let sweep = shownSweep else { return }
        sweepGrid.select(row: row, column: column, in: (sweep.rows, sweep.columns))
        selectSweepTake()
    }

    /// Selects the grid's take in the Takes list, when it is there (made, or being made).
    func selectSweepTake() {
        guard let cell = selectedSweepCell else { return }
        let rows = takeRows
        guard let index = rows.firstIndex(where: { $0.takeID == cell.takeID }) else { return }
        takeCursor.set(index, count: rows.count)
        prefetchSelectedTake()
    }

    func playSweepCell() {
        guard let cell = selectedSweepCell else { return }
        switch sweepStatus(of: cell) {
        case .queued:
            info("take #\(cell.takeID) is still queued")
        case .failed where take(cell.takeID) == nil, .stopped where take(cell.takeID) == nil:
            error("take #\(cell.takeID) has no audio")
        default:
            sayPlaybackTroubleAgain()
            play(takeID: cell.takeID, from: .start)
        }
    }

    func rateSweepCell(_ stars: Int?) {
        guard let sweep = shownSweep, let cell = selectedSweepCell, var list = manifest.sweeps,
              let index = list.firstIndex(where: { $0.id == sweep.id }) else { return }
        list[index].rate(row: cell.row, column: cell.column, stars: stars)
        manifest.sweeps = list
        info(stars.map { "take #\(cell.takeID): " + String(repeating: "★", count: $0) } ?? "take #\(cell.takeID): rating cleared")
        saveNow()
    }
}
