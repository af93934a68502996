import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    /// Runs a line typed after `:`; errors go to the status bar.
    public func runCommandLine(_ line: String) {
        do {
            run(try CommandParser.parse(line))
        } catch {
            self.error(error)
        }
    }

    public func run(_ command: StudioCommand) {
        switch command {
        case .synthesize:
            synthesize()
        case .play(let reference):
            if let reference {
                guard let id = resolveTake(reference) else { return }
                info("playing take #\(id)")
                sayPlaybackTroubleAgain()
                play(takeID: id, from: .start)
            } else {
                if let row = selectedTakeRow { info("playing take #\(row.takeID)") }
                playSelected(from: .start)
            }
        case .stop:
            let wasBusy = !jobs.isEmpty || playbackSnapshot.isActive
            stopEverything()
            info(wasBusy ? "stopped" : "nothing was playing or being made")
        case .model(let name):
            guard let model = resolveModel(name) else { return }
            useModel(model)
        case .load(let name):
            guard let model = name.map(resolveModel) ?? highlightedModel else { return }
            if loadedModels[model.id] != nil {
                info("\(model.name) is already loaded")
            } else {
                requestLoad(model)
                if loadFailures[model.id] == nil { info("loading \(model.name)…") }
            }
        case .unload(let name):
            guard let model = name.map(resolveModel) ?? activeModel else { return }
            unload(model)
        case .voice(let name):
            chooseVoice(name)
        case .preset(let name):
            guard let preset = presets.first(where: { $0.name == name }) ?? presets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                error("no preset named \"\(name)\" (presets: \(presets.map(\.name).joined(separator: ", ")))")
                return
            }
            apply(preset)
        case .savePreset(let name, let overwrite):
            savePreset(named: name, overwrite: overwrite)
        case .keepVoice(let request):
            keepVoice(request)
        case .speed(let speed):
            setSpeed(speed)
        case .seed(let seed):
            setSeed(seed)
        case .precision(let precision):
            setPrecision(precision)
        case .language(let language):
            if let language, !activeLanguages.isEmpty,
               !activeLanguages.contains(where: { $0.lowercased() == language.lowercased() }) {
                error("\(activeModel?.name ?? "this model") has no language \"\(language)\" (languages: auto, \(activeLanguages.joined(separator: ", ")))")
                return
            }
            settings.language = language.map { name in activeLanguages.first { $0.lowercased() == name.lowercased() } ?? name }
            if activeLanguages.isEmpty { info("language \(language ?? "auto") (\(activeModel?.name ?? "this model") has no language setting)") }
            else { info("language \(settings.language ?? "auto")") }
            saveSoon()
        case .instruct(let instruction):
            settings.instruct = instruction
            info(capabilities.contains(.instruct) ? "style: \(instruction.isEmpty ? "none" : instruction)"
                                                  : "style saved; \(activeModel?.name ?? "this model") does not take instructions")
            saveSoon()
        case .design(let description):
            settings.voiceDescription = description
            info(capabilities.contains(.voiceDesign) ? "voice design: \(description.isEmpty ? "none" : description)"
                                                     : "description saved; \(activeModel?.name ?? "this model") does not design voices")
            saveSoon()
        case .theme(let name):
            if let name {
                useTheme(name, remember: true)
            } else {
                let names = themes.names()
                info(names.isEmpty ? "no themes found" : "themes: \(names.joined(separator: ", ")) (now: \(themeName))")
            }
        case .export(let path, let reference):
            if reference == nil, Self.namesFolder(path) {
                exportPicked(to: path, formatName: nil)
            } else {
                export(takeReference: reference, to: path)
            }
        case .exportPicked(let folder, let format):
            exportPicked(to: folder, formatName: format)
        case .exportVotes(let path, let replace):
            exportVotes(to: path, replace: replace)
        case .copyCommand(let reference):
            copyCommand(takeReference: reference)
        case .mark(let slot, let reference):
            if let reference {
                guard let id = resolveTake(reference) else { return }
                mark(slot, takeID: id)
            } else {
                mark(slot, takeID: selectedTake?.id)
            }
        case .toggleAB:
            toggleAB()
        case .blind:
            startBlindTest()
        case .abx(let rounds):
            startABX(rounds: rounds ?? ABXTest.defaultRounds)
        case .rank:
            startRanking()
        case .pick(let references):
            pick(references)
        case .diff(let references):
            showDiff(references)
        case .tally:
            openOverlay(.tally)
        case .sweep(let argument):
            runSweepCommand(argument)
        case .selectTake(let reference):
            guard let id = resolveTake(reference), let index = takeRows.firstIndex(where: { $0.takeID == id }) else {
                if resolveTake(reference) != nil { error("take #\(reference) is hidden by the filter") }
                return
            }
            takeCursor.set(index, count: takeRows.count)
            focus = .takes
            prefetchSelectedTake()
            info("take #\(id) selected")
        case .device(let name):
            playback.stop()
            playback.setOutput(AlsaOutput(device: .named(name)))
            lastPlaybackError = nil
            info("playback device \(name) (remembered for the next launch)")
            rememberSetting("device", name)
        case .autoplay(let on):
            config.autoplay = on
            rememberSetting("autoplay", on ? "on" : "off")
            info(on ? "takes play while they are synthesized" : "takes are synthesized silently; Space plays them")
        case .stripView(let view):
            showInStrip(view ?? stripView.toggled)
        case .newSession:
            startNewSession()
        case .openSession(let name):
            openSession(name)
        case .sessions:
            // Read once, not on every frame: each session's manifest is read for it.
            sessionList = sessionSummaries
            openOverlay(.sessions)
        case .help:
            openOverlay(.help)
        case .messages:
            openOverlay(.messages)
        case .quit:
            requestQuit()
        }
    }

    func resolveModel(_ reference: String) -> ModelDescriptor? {
        do {
            let catalog = ModelCatalog(directory: environment.modelsDirectory, families: environment.families, models: models)
            let model = try catalog.resolve(reference)
            if !models.contains(where: { $0.id == model.id }) { models.append(model) }
            return model
        } catch {
            self.error(error)
            return nil
        }
    }
}
