import Foundation
import SottoCore

extension StudioModel {
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
}
