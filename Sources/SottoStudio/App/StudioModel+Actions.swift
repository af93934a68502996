import Foundation
import SottoCore

extension StudioModel {
    public func perform(_ action: StudioAction) {
        switch action {
        case .help: openOverlay(.help)
        case .messages: openOverlay(.messages)
        case .commandLine: openCommandLine()
        case .filter: openFilter()
        case .focusNext: cycleFocus(by: 1)
        case .focusPrevious: cycleFocus(by: -1)
        case .focus(let pane): focus = pane
        case .moveUp: moveSelection(by: -1)
        case .moveDown: moveSelection(by: 1)
        case .pageUp: moveSelection(by: -10)
        case .pageDown: moveSelection(by: 10)
        case .top: moveSelection(by: -100_000)
        case .bottom: moveSelection(by: 100_000)
        case .activate: activate()
        case .adjustLeft: adjustControl(by: -1)
        case .adjustRight: adjustControl(by: 1)
        case .synthesize: synthesize()
        case .playStop: playOrStopSelected()
        case .stopAll: escapeOrStop()
        case .nextTake: stepTake(by: 1)
        case .previousTake: stepTake(by: -1)
        case .markA: mark(.a, takeID: selectedTake?.id)
        case .markB: mark(.b, takeID: selectedTake?.id)
        case .toggleAB: toggleAB()
        case .blind: startBlindTest()
        case .recallTake: recallSelectedTake()
        case .export: promptExport()
        case .editText:
            focus = .text
            mode = .editingText
        case .loadModel: loadHighlightedModel()
        case .unloadModel: unloadHighlightedModel()
        case .speedUp: setSpeed(settings.speed(adjustedBy: 1))
        case .speedDown: setSpeed(settings.speed(adjustedBy: -1))
        case .newSeed: setSeed(.fixed(UInt64(random.next() % (UInt64(UInt32.max) + 1))))
        case .savePreset: openCommandLine("preset save ")
        case .nextTheme: cycleTheme()
        case .quit: shouldQuit = true
        case .leaveEditing:
            mode = .normal
            saveSoon()
        case .undo:
            text.undo()
            textChanged()
        case .redo:
            text.redo()
            textChanged()
        case .deleteWord:
            text.deleteWordBackward()
            textChanged()
        case .deleteToLineEnd:
            text.deleteToLineEnd()
            textChanged()
        case .deleteToLineStart:
            text.deleteToLineStart()
            textChanged()
        case .lineStart: text.moveToLineStart()
        case .lineEnd: text.moveToLineEnd()
        case .blindSample1, .blindSample2, .blindSwitch, .blindPick, .blindNoPreference, .blindNextRound:
            break
        }
    }

    /// Esc in normal mode: clear an error first, then stop what is playing or synthesizing.
    func escapeOrStop() {
        if playbackSnapshot.isActive || !jobs.isEmpty {
            stopEverything()
        } else {
            log.dismiss()
        }
    }

    public func stopEverything() {
        let cancelling = !jobs.isEmpty
        lane.cancelAll()
        playback.stop()
        if cancelling { info("synthesis cancelled") }
    }

    func cycleFocus(by step: Int) {
        let panes = Pane.allCases
        let index = panes.firstIndex(of: focus) ?? 0
        focus = panes[(index + step + panes.count) % panes.count]
    }

    func moveSelection(by delta: Int) {
        switch focus {
        case .models:
            modelCursor.move(by: delta, count: visibleModels.count)
        case .voices:
            let rows = voiceRows
            voiceCursor.move(by: delta, count: rows.count) { rows[$0].isSelectable }
        case .takes:
            takeCursor.move(by: delta, count: takeRows.count)
            prefetchSelectedTake()
        case .controls:
            let count = controlFields.count
            guard count > 0 else { return }
            controlIndex = min(max(controlIndex + delta, 0), count - 1)
        case .text:
            if delta < -1 || delta > 1 {
                text.moveVertically(rows: delta < 0 ? -textViewport.height : textViewport.height, wrapWidth: textViewport.width)
            } else {
                text.moveVertically(rows: delta, wrapWidth: textViewport.width)
            }
        case .metrics:
            break
        }
    }

    func activate() {
        switch focus {
        case .models: useHighlightedModel()
        case .voices: chooseHighlightedVoice()
        case .text: mode = .editingText
        case .controls: editControlField()
        case .takes: playSelected(from: .start)
        case .metrics: break
        }
    }

    // MARK: Models

    public var highlightedModel: ModelDescriptor? {
        let visible = visibleModels
        return visible.indices.contains(modelCursor.index) ? visible[modelCursor.index] : nil
    }

    func useHighlightedModel() {
        guard let model = highlightedModel else { return }
        useModel(model)
    }

    public func useModel(_ model: ModelDescriptor) {
        let changed = activeModelID != model.id
        activeModelID = model.id
        if let index = visibleModels.firstIndex(where: { $0.id == model.id }) {
            modelCursor.set(index, count: visibleModels.count)
        }
        if changed {
            let voices = activeVoices.map(\.id)
            if let voice = settings.voice, !voices.contains(voice), !voice.contains(":") { settings.voice = nil }
            if let language = settings.language, !activeLanguages.contains(language) { settings.language = nil }
            voiceFilter = FilterQuery("")
            let rows = voiceRows
            voiceCursor.set(0, count: rows.count) { rows[$0].isSelectable }
            controlIndex = 0
            saveSoon()
        }
        if !model.isComplete {
            error("model \(model.name) is incomplete: \(model.problems.joined(separator: "; ")) (\(model.repairHint))")
            return
        }
        if loadedModels[model.id] == nil {
            requestLoad(model)
            if loadFailures[model.id] == nil { info("loading \(model.name)…") }
        } else if changed {
            info("using \(model.name)")
        }
    }

    func loadHighlightedModel() {
        guard let model = highlightedModel else { return }
        if !model.isComplete {
            error("model \(model.name) is incomplete: \(model.problems.joined(separator: "; ")) (\(model.repairHint))")
            return
        }
        if loadedModels[model.id] != nil {
            info("\(model.name) is already loaded (u unloads it)")
            return
        }
        requestLoad(model)
        if loadFailures[model.id] == nil { info("loading \(model.name)…") }
    }

    func unloadHighlightedModel() {
        guard let model = highlightedModel else { return }
        unload(model)
    }

    public func unload(_ model: ModelDescriptor) {
        guard loadedModels[model.id] != nil || requestedLoads.contains(model.id) else {
            info("\(model.name) is not loaded")
            return
        }
        lane.unload(model.id)
        info("unloading \(model.name)")
    }

    // MARK: Voices

    func chooseHighlightedVoice() {
        let rows = voiceRows
        guard rows.indices.contains(voiceCursor.index) else { return }
        switch rows[voiceCursor.index].kind {
        case .heading: break
        case .voice(let id):
            settings.voice = id
            info("voice \(id)")
            saveSoon()
        case .language(let language):
            settings.language = language
            info("language \(language ?? "auto")")
            saveSoon()
        case .preset(let name):
            if let preset = presets.first(where: { $0.name == name }) { apply(preset) }
        }
    }

    public func chooseVoice(_ name: String) {
        let voices = activeVoices
        if name.contains(":") || name.contains(",") {
            // A blend: let the engine check the parts.
            settings.voice = name
        } else if let voice = voices.first(where: { $0.id == name }) ?? voices.first(where: { $0.id.lowercased() == name.lowercased() }) {
            settings.voice = voice.id
        } else if voices.isEmpty {
            settings.voice = name
        } else {
            let matches = voices.filter { $0.id.lowercased().hasPrefix(name.lowercased()) }
            guard matches.count == 1 else {
                error(matches.isEmpty ? "\(activeModel?.name ?? "this model") has no voice \"\(name)\" (voices: \(voices.map(\.id).joined(separator: ", ")))"
                      : "\"\(name)\" matches \(matches.map(\.id).joined(separator: ", "))")
                return
            }
            settings.voice = matches[0].id
        }
        info("voice \(settings.voice ?? "default")")
        saveSoon()
    }

    public func apply(_ preset: Preset) {
        let model: ModelDescriptor
        do {
            model = try self.model(for: preset)
        } catch {
            self.error("preset \(preset.name) needs model \(preset.model): \(SottoError.describe(error))")
            return
        }
        useModel(model)
        settings.voice = preset.voice
        settings.instruct = preset.instruct ?? ""
        settings.voiceDescription = preset.voiceDescription ?? ""
        settings.speed = preset.speed ?? 1
        settings.language = preset.language
        if let seed = preset.seed { settings.seed = .fixed(seed) }
        info("preset \(preset.name): \(model.name)\(preset.summary.isEmpty ? "" : " · " + preset.summary)")
        saveSoon()
    }

    public func savePreset(named name: String) {
        guard let model = activeModel else {
            error("choose a model before saving a preset")
            return
        }
        let caps = capabilities
        var seed: UInt64?
        if case .fixed(let value) = settings.seed, caps.contains(.seed) { seed = value }
        let preset = Preset(
            name: name, model: model.name,
            voice: caps.contains(.voices) || caps.contains(.speakers) ? (settings.voice ?? defaultVoice) : nil,
            instruct: caps.contains(.instruct) && !settings.instruct.isEmpty ? settings.instruct : nil,
            voiceDescription: caps.contains(.voiceDesign) && !settings.voiceDescription.isEmpty ? settings.voiceDescription : nil,
            speed: caps.contains(.speed) ? settings.speed : nil,
            language: caps.contains(.languages) ? settings.language : nil,
            seed: seed, source: .user)
        do {
            let url = try presetLibrary.save(preset)
            reloadPresets()
            info("saved preset \(name) to \(url.path)")
        } catch {
            self.error(error)
        }
    }

    // MARK: Controls

    func setSpeed(_ speed: Double) {
        settings.speed = speed
        if !capabilities.contains(.speed), activeModel != nil {
            info(String(format: "speed %.2f (\(activeModel!.name) ignores speed)", speed))
        } else {
            info(String(format: "speed %.2f", speed))
        }
        saveSoon()
    }

    func setSeed(_ seed: SeedChoice) {
        settings.seed = seed
        switch seed {
        case .random: info("seed: a new random seed for every take")
        case .fixed(let value): info("seed fixed at \(value)\(capabilities.contains(.seed) ? "" : " (this model does not sample)")")
        }
        saveSoon()
    }

    public var selectedControl: ControlField? {
        let fields = controlFields
        return fields.indices.contains(controlIndex) ? fields[controlIndex] : nil
    }

    func adjustControl(by step: Int) {
        guard let field = selectedControl else { return }
        switch field {
        case .speed:
            setSpeed(settings.speed(adjustedBy: step))
        case .voice:
            let voices = activeVoices.map(\.id)
            guard !voices.isEmpty else { return }
            let current = voices.firstIndex(of: settings.voice ?? defaultVoice ?? "") ?? 0
            settings.voice = voices[(current + step + voices.count) % voices.count]
            saveSoon()
        case .language:
            let options: [String?] = [nil] + activeLanguages.map { Optional($0) }
            let current = options.firstIndex(of: settings.language) ?? 0
            settings.language = options[(current + step + options.count) % options.count]
            saveSoon()
        case .seed:
            switch settings.seed {
            case .random: perform(.newSeed)
            case .fixed(let value):
                let next = step > 0 ? value &+ 1 : (value == 0 ? 0 : value - 1)
                settings.seed = .fixed(next)
                saveSoon()
            }
        case .instruct, .description:
            editControlField()
        }
    }

    func editControlField() {
        guard let field = selectedControl else { return }
        let value: String
        switch field {
        case .speed: value = String(format: "%.2f", settings.speed)
        case .voice: value = settings.voice ?? ""
        case .instruct: value = settings.instruct
        case .description: value = settings.voiceDescription
        case .language: value = settings.language ?? "auto"
        case .seed: value = settings.seed.description
        }
        fieldEditor = TextBuffer(value, singleLine: true)
        mode = .field(field)
    }

    func commitField(_ field: ControlField, value raw: String) {
        let value = raw.trimming(" ")
        switch field {
        case .speed:
            guard let speed = Double(value), VoiceSettings.speedRange.contains(speed) else {
                error("speed must be a number from 0.25 to 4, not \"\(value)\"")
                return
            }
            setSpeed(speed)
        case .voice:
            if value.isEmpty { settings.voice = nil; saveSoon() } else { chooseVoice(value) }
        case .instruct:
            settings.instruct = value
            saveSoon()
        case .description:
            settings.voiceDescription = value
            saveSoon()
        case .language:
            settings.language = value.isEmpty || value.lowercased() == "auto" ? nil : value
            saveSoon()
        case .seed:
            if value.isEmpty || value.lowercased() == "random" {
                setSeed(.random)
            } else if let seed = UInt64(value) {
                setSeed(.fixed(seed))
            } else {
                error("seed must be a whole number or random, not \"\(value)\"")
            }
        }
    }

    // MARK: Takes

    func stepTake(by delta: Int) {
        let wasPlaying = playbackSnapshot.isActive && blind == nil
        takeCursor.move(by: delta, count: takeRows.count)
        prefetchSelectedTake()
        if wasPlaying { playSelected(from: .start) }
    }

    public func mark(_ slot: ABSlot, takeID: Int?) {
        guard let takeID, take(takeID) != nil else {
            error(manifest.takes.isEmpty ? "no takes yet: synthesize one with s" : "select a finished take to mark it \(slot.rawValue)")
            return
        }
        switch slot {
        case .a:
            manifest.markA = takeID
            if manifest.markB == takeID { manifest.markB = nil }
        case .b:
            manifest.markB = takeID
            if manifest.markA == takeID { manifest.markA = nil }
        }
        pinMarkedTakes()
        info("take #\(takeID) is \(slot.rawValue)")
        saveNow()
    }

    func recallSelectedTake() {
        guard let take = selectedTake else {
            error("select a take to recall its settings")
            return
        }
        if let model = models.first(where: { $0.id == take.model.id }) {
            useModel(model)
        } else {
            error("model \(take.model.name) is no longer in the models folder; settings recalled without it")
        }
        settings = take.settings
        if let seed = take.seed { settings.seed = .fixed(seed) }
        if text.text != take.text {
            text.replaceAll(with: take.text)
            textChanged()
        }
        info("recalled take #\(take.id): text, model and settings\(take.seed.map { ", seed \($0)" } ?? "")")
        saveSoon()
    }

    func prefetchSelectedTake() {
        guard let take = selectedTake, let file = take.audioFile else { return }
        library.prefetch(take.id, from: session.audioURL(file))
    }

    // MARK: Themes

    public func useTheme(_ name: String, remember: Bool) {
        do {
            theme = try themes.load(name)
            themeName = theme.name
            info("theme \(theme.name)\(theme.summary.isEmpty ? "" : ": " + theme.summary)")
            if remember { rememberSetting("theme", theme.name) }
        } catch {
            self.error(error)
        }
    }

    func cycleTheme() {
        let names = themes.names()
        guard !names.isEmpty else {
            error("no theme files found in \(themes.directories.map(\.path).joined(separator: ", "))")
            return
        }
        let index = names.firstIndex(of: themeName).map { ($0 + 1) % names.count } ?? 0
        useTheme(names[index], remember: true)
    }

    func rememberSetting(_ key: String, _ value: String) {
        do {
            try StudioConfig.update(key, to: value, in: environment.resources.configFile)
        } catch {
            self.error("could not save \(key) to \(environment.resources.configFile.path): \(SottoError.describe(error))")
        }
    }
}
