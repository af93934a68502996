import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    // MARK: Picked takes

    /// The takes picked with `x` for a ranking or a multi-take export, in the order picked
    /// (those since deleted left out).
    public var pickedTakes: [Int] {
        manifest.listeningLog.picked.filter { take($0) != nil }
    }

    public func isPicked(_ takeID: Int) -> Bool { manifest.listeningLog.picked.contains(takeID) }

    /// `x`: picks the selected take, or unpicks it.
    public func togglePick() {
        guard let take = selectedTake else {
            error(manifest.takes.isEmpty ? "no takes yet: synthesize one with s" : "select a finished take to pick it")
            return
        }
        var picked = manifest.listeningLog.picked
        if let index = picked.firstIndex(of: take.id) {
            picked.remove(at: index)
        } else {
            picked.append(take.id)
        }
        setPicks(picked)
    }

    /// `:pick N …`, `:pick none`, `X`: replaces the picks.
    public func setPicks(_ ids: [Int]) {
        var unique: [Int] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        manifest.listeningLog.picked = unique
        info(unique.isEmpty ? "no takes picked" : "picked \(unique.count): " + unique.map { "#\($0)" }.joined(separator: " "))
        saveNow()
    }

    /// `:pick` with take references.
    func pick(_ references: [String]) {
        if references.count == 1, ["none", "clear"].contains(references[0].lowercased()) {
            setPicks([])
            return
        }
        var ids: [Int] = []
        for reference in references {
            guard let id = resolveTake(reference) else { return }
            guard take(id) != nil else {
                error("take #\(id) is still being made; pick it when it is done")
                return
            }
            ids.append(id)
        }
        setPicks(ids)
    }

    // MARK: Blind ranking

    /// `:rank`: a blind ranking of the picked takes.
    public func startRanking() {
        let picked = pickedTakes
        let sizes = RankingTest.sizes
        guard sizes.contains(picked.count) else {
            error("a blind ranking takes \(sizes.lowerBound) to \(sizes.upperBound) picked takes, not \(picked.count): pick them with x in Takes (or :pick N N N)")
            return
        }
        guard let test = RankingTest(takes: picked, using: &random) else { return }
        closeListeningTests()
        log.dismiss()
        ranking = test
        openOverlay(.rank)
    }

    /// One gain per take that plays them all at the loudness of the quietest (see
    /// `LoudnessMatch`); every gain is 1 when a loudness is unknown.
    func matchedGains(for takeIDs: [Int]) -> [Int: Double] {
        let levels = takeIDs.compactMap { loudness(of: $0) }
        guard levels.count == takeIDs.count else { return Dictionary(uniqueKeysWithValues: takeIDs.map { ($0, 1.0) }) }
        return Dictionary(uniqueKeysWithValues: zip(takeIDs, LoudnessMatch.gains(levels)))
    }

    func playRanking(_ test: RankingTest, from position: PlaybackPosition) {
        let takeID = test.currentTake
        play(takeID: takeID, from: position, gain: matchedGains(for: test.takes)[takeID] ?? 1)
    }

    func handleRanking(_ key: Key) {
        guard var test = ranking else {
            overlay = nil
            return
        }
        guard let action = KeyMap.rankAction(for: key) else {
            if key == .control("c") { playback.stop() }
            return
        }
        let playing = playbackSnapshot.isActive
        switch action {
        case .rankListen(let sample):
            guard test.selectSample(sample), !test.isRevealed else { return }
            ranking = test
            playRanking(test, from: playing ? .samePosition : .start)
        case .rankSelect(let step):
            let before = test.currentTake
            test.selectRow(test.row + step)
            ranking = test
            if playing, !test.isRevealed, test.currentTake != before { playRanking(test, from: .samePosition) }
        case .rankReorder(let step):
            test.moveSelected(by: step)
            ranking = test
        case .playStop:
            if playing { playback.stop() } else if !test.isRevealed { playRanking(test, from: .start) }
        case .rankSubmit:
            guard let result = test.submit(date: Date()) else { return }
            playback.stop()
            ranking = test
            manifest.listeningLog.rankings.append(result)
            saveNow()
            info("ranking kept: " + result.ranking.map { "#\($0)" }.joined(separator: " > "))
        case .rankAgain:
            guard test.isRevealed else { return }
            test.nextRound(using: &random)
            ranking = test
        case .leaveTest:
            closeListeningTests()
        default:
            break
        }
    }

    /// Ends whichever blind test is open (what was decided is kept).
    func closeListeningTests() {
        let wasOpen = blind != nil || abx != nil || ranking != nil
        blind = nil
        abx = nil
        ranking = nil
        if [.blind, .abx, .rank].contains(overlay) { overlay = nil }
        if wasOpen { playback.stop() }
    }

    /// Whether a blind test is on screen: the panes hide what would give its samples away.
    public var isListeningBlind: Bool { blind != nil || abx != nil || ranking != nil }

    /// What the playback strip calls the sample on show: never a take number.
    public var blindSampleName: String {
        if let abx { return abx.current.label }
        if let ranking { return "sample \(ranking.currentSample + 1)" }
        if let blind { return "sample \(blind.current + 1)" }
        return "blind test"
    }
}
