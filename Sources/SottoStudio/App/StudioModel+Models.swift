import Foundation
import SottoCore

extension StudioModel {
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
        if !isLoadedForNextTake(model) {
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
        if isLoadedForNextTake(model) {
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
}
