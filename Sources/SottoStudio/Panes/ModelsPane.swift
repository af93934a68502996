import SottoCore
import SottoRuntime

/// Every model found: state, name, kind, size on disk, memory held; details of the highlighted one.
enum ModelsPane {
    enum State: Equatable {
        case unloaded
        case queued
        case loading(seconds: Double, growthBytes: Int)
        case loaded(LoadedModel)
        case failed(String)
        case incomplete(String)
        case noEngine(String)
    }

    static func state(of model: ModelDescriptor, in studio: StudioModel, now: Double, memory: Int?) -> State {
        if let loaded = studio.loadedModels[model.id] { return .loaded(loaded) }
        if case .loading(let id, let since, let start) = studio.lane.activity, id == model.id {
            return .loading(seconds: now - since, growthBytes: max(0, (memory ?? start) - start))
        }
        if studio.requestedLoads.contains(model.id) { return .queued }
        if let failure = studio.loadFailures[model.id] { return .failed(failure) }
        if let problem = model.problems.first { return .incomplete(problem) }
        if let reason = studio.unsupportedReason(model) { return .noEngine(reason) }
        return .unloaded
    }

    static func draw(_ context: DrawContext, region: Region) {
        let studio = context.model
        let models = studio.visibleModels
        let title = studio.modelFilter.isEmpty ? "Models" : "Models (\(models.count) of \(studio.models.count)) /\(studio.modelFilter.text)"
        let inner = context.frame(region, pane: .models, title: title, detail: studio.modelFilter.isEmpty ? "\(models.count)" : "")
        guard inner.height > 0 else { return }
        let memory = studio.memory?.residentBytes
        let filterLine = context.filterLine(for: .models)
        let filterRows = filterLine == nil ? 0 : 1
        // The details of the highlighted model are read whole (a load failure says what to fix),
        // so they wrap onto the rows the list does not need.
        var details: (rows: [String], style: StyleRole)?
        if inner.height >= 4, let model = studio.highlightedModel {
            let (text, style) = detail(model, state: state(of: model, in: studio, now: context.now, memory: memory), context: context)
            let spare = inner.height - filterRows - min(models.count, inner.height - filterRows - 1)
            details = (Array(SoftWrap.rows(of: text, width: inner.width).prefix(max(1, min(spare, 4)))), style)
        }
        let detailRows = details?.rows.count ?? 0
        let listRows = inner.height - detailRows - filterRows
        if models.isEmpty {
            let message = studio.models.isEmpty
                ? "No models found in \(studio.environment.modelsDirectory.path). Run Scripts/setup, or pass --models-dir DIR."
                : "Nothing matches the filter."
            for (row, text) in SoftWrap.rows(of: message, width: inner.width).prefix(max(0, listRows)).enumerated() {
                inner.put(text, row: row, style: .dim)
            }
        }
        var cursor = studio.modelCursor
        cursor.scroll(visibleRows: max(1, listRows), count: models.count)
        studio.drawn.lists[.models] = DrawnScreen.List(top: cursor.top, rows: max(0, listRows))
        for row in 0..<max(0, listRows) {
            let index = cursor.top + row
            guard index < models.count else { break }
            let model = models[index]
            let state = state(of: model, in: studio, now: context.now, memory: memory)
            let selected = index == studio.modelCursor.index
            let style: StyleRole = selected ? (context.isFocused(.models) ? .selection : .selectionInactive) : .text
            inner.fillRow(row, line(model, state: state, isActive: model.id == studio.activeModelID,
                                    width: inner.width, context: context), style: style)
        }
        if let filterLine {
            inner.fillRow(inner.height - 1 - detailRows, "/" + filterLine, style: .input)
        }
        if let details {
            for (index, text) in details.rows.enumerated() {
                inner.fillRow(inner.height - detailRows + index, text, style: details.style)
            }
        }
    }

    static func line(_ model: ModelDescriptor, state: State, isActive: Bool, width: Int, context: DrawContext) -> String {
        let glyphs = context.glyphs
        let mark: String
        switch state {
        case .loaded: mark = glyphs.loaded
        case .loading: mark = glyphs.spinnerFrame(at: context.now)
        case .queued: mark = glyphs.spinnerFrame(at: context.now)
        case .failed: mark = glyphs.failed
        case .incomplete: mark = glyphs.warning
        case .noEngine: mark = "-"
        case .unloaded: mark = glyphs.unloaded
        }
        var right = context.model.environment.families.shortName(of: model.kind)
        if width >= 30 { right += " " + Formatting.bytes(model.sizeBytes) }
        if case .loaded(let info) = state, width >= 40 {
            right += " " + Formatting.bytes(max(info.residentBytes, info.residentGrowthBytes))
        }
        let prefix = (isActive ? glyphs.active : " ") + mark + " "
        let nameWidth = max(1, width - DisplayWidth.of(prefix) - DisplayWidth.of(right) - 1)
        return prefix + DisplayWidth.pad(DisplayWidth.truncate(model.name, to: nameWidth), to: nameWidth) + " " + right
    }

    static func detail(_ model: ModelDescriptor, state: State, context: DrawContext) -> (String, StyleRole) {
        let kind = [context.model.environment.families.displayName(of: model.kind), model.variant].compactMap { $0 }.joined(separator: " ")
        let size = Formatting.bytes(model.sizeBytes)
        switch state {
        case .loaded(let info):
            let held = Formatting.bytes(max(info.residentBytes, info.residentGrowthBytes))
            return ("\(context.glyphs.loaded) loaded · holds \(held) · \(kind) · \(size) on disk", .success)
        case .loading(let seconds, let growth):
            return ("\(context.glyphs.spinnerFrame(at: context.now)) loading \(Formatting.seconds(seconds)) · +\(Formatting.bytes(growth)) of ~\(size)", .accent)
        case .queued:
            return ("\(context.glyphs.spinnerFrame(at: context.now)) waiting to load", .accent)
        case .failed(let message):
            return ("\(context.glyphs.failed) \(message)", .error)
        case .incomplete(let problem):
            return ("\(context.glyphs.warning) \(problem)", .warning)
        case .noEngine:
            return ("no \(context.model.environment.families.displayName(of: model.kind)) engine in this build", .dim)
        case .unloaded:
            return ("\(kind) · \(size) · Enter use · l load", .dim)
        }
    }
}
