import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    /// Space: stop if something plays, else play the selected take from the start.
    func playOrStopSelected() {
        if playbackSnapshot.isActive {
            playback.stop()
        } else {
            playSelected(from: .start)
        }
    }

    func playSelected(from position: PlaybackPosition) {
        guard let row = selectedTakeRow else {
            error(manifest.takes.isEmpty ? "no takes yet: type some text and press s" : "select a take to play")
            return
        }
        sayPlaybackTroubleAgain()
        play(takeID: row.takeID, from: position)
    }

    /// Playing was asked for in so many words (Space, Enter, `:play`): if the device fails
    /// again, the status bar says so again rather than staying silent.
    func sayPlaybackTroubleAgain() {
        lastPlaybackError = nil
        lastPlaybackPhase = .idle
    }

    /// Plays a take (finished or still being synthesized), a finished one at `gain`.
    public func play(takeID: Int, from position: PlaybackPosition, gain: Double = 1) {
        if let job = jobs.first(where: { $0.takeID == takeID }) {
            guard let buffer = job.buffer else {
                info("take #\(takeID) has no audio yet; it plays as soon as it has")
                return
            }
            playback.play(takeID: takeID, buffer: buffer, file: nil, from: position)
            return
        }
        guard let take = take(takeID) else {
            error("there is no take #\(takeID)")
            return
        }
        let cached = library.cached(takeID)
        let file = take.audioFile.map { session.audioURL($0) }
        guard cached != nil || file != nil else {
            error("take #\(takeID) has no saved audio")
            return
        }
        playback.play(takeID: takeID, buffer: cached, file: file, from: position, gain: gain)
    }

    /// Moves the playhead of what is playing by `seconds`.
    func seek(by seconds: Double) {
        let snapshot = playbackSnapshot
        guard snapshot.isActive, let takeID = snapshot.takeID else {
            info("nothing is playing")
            return
        }
        let target = min(max(0, snapshot.playheadSeconds + seconds), max(0, snapshot.availableSeconds - 0.05))
        play(takeID: takeID, from: .seconds(target))
    }

    /// Switches between the takes marked A and B, at the same position when one is playing.
    public func toggleAB() {
        guard let a = manifest.markA, let b = manifest.markB else {
            error("mark two takes first: select one and press a, another and press b")
            return
        }
        let snapshot = playbackSnapshot
        let target: ABSlot
        let position: PlaybackPosition
        if snapshot.isActive, snapshot.takeID == a {
            (target, position) = (.b, .samePosition)
        } else if snapshot.isActive, snapshot.takeID == b {
            (target, position) = (.a, .samePosition)
        } else {
            target = lastABSide == .a ? .b : .a
            position = .start
        }
        lastABSide = target
        let takeID = target == .a ? a : b
        if let index = takeRows.firstIndex(where: { $0.takeID == takeID }) {
            takeCursor.set(index, count: takeRows.count)
        }
        // A and B play at one loudness, so the louder one does not win for being louder.
        let gain = matchedGain(for: takeID, against: takeID == a ? b : a)
        play(takeID: takeID, from: position, gain: gain)
        info("\(target.rawValue): take #\(takeID)" + (position == .samePosition ? " from the same position" : "")
             + " · \(Self.gainLabel(gain)) to match loudness")
    }

    // MARK: Blind test

    public func startBlindTest() {
        guard let a = manifest.markA, let b = manifest.markB, take(a) != nil, take(b) != nil else {
            error("a blind test compares the takes marked A and B: mark two takes first (a, b)")
            return
        }
        closeListeningTests()
        // Whatever the status bar said about A and B would give the samples away.
        log.dismiss()
        blind = BlindTest(takeA: a, takeB: b, using: &random)
        overlay = .blind
        overlayScroll = 0
    }

    /// Plays the blind test's current sample at the loudness of the pair; the gain is not shown,
    /// since it would tell the samples apart.
    private func playBlind(_ test: BlindTest, from position: PlaybackPosition) {
        let takeID = test.currentTake
        play(takeID: takeID, from: position, gain: matchedGain(for: takeID, against: takeID == test.takeA ? test.takeB : test.takeA))
    }

    func closeBlindTest() {
        playback.stop()
        blind = nil
        if overlay == .blind { overlay = nil }
    }

    func handleBlind(_ key: Key) {
        guard var test = blind else {
            overlay = nil
            return
        }
        if key == .escape {
            closeBlindTest()
            return
        }
        guard let action = KeyMap.blindAction(for: key) else {
            if key == .control("c") { playback.stop() }
            return
        }
        let playing = playbackSnapshot.isActive
        switch action {
        case .blindSample1, .blindSample2:
            let index = action == .blindSample1 ? 0 : 1
            let switching = playing && test.current != index
            test.select(index)
            blind = test
            if !test.isRevealed {
                playBlind(test, from: switching ? .samePosition : (playing ? .samePosition : .start))
            }
        case .blindSwitch:
            test.toggle()
            blind = test
            if playing && !test.isRevealed { playBlind(test, from: .samePosition) }
        case .playStop:
            if playing { playback.stop() } else { playBlind(test, from: .start) }
        case .blindPick, .blindNoPreference:
            let choice: BlindTest.Choice = action == .blindPick ? .sample(test.current) : .noPreference
            if let vote = test.vote(choice, date: Date()) {
                manifest.votes.append(vote)
                blind = test
                playback.stop()
                info(vote.preferred == nil ? "blind vote recorded: no preference" : "blind vote recorded: preferred \(vote.preferredLetter)")
                saveNow()
            }
        case .blindNextRound:
            guard test.isRevealed else { return }
            test.nextRound(using: &random)
            blind = test
        default:
            break
        }
    }
}

extension StudioModel {
    /// Shows the take in the Playback strip as a waveform or a spectrogram.
    func showInStrip(_ view: StripView) {
        stripView = view
        info(view == .spectrogram ? "Playback shows the spectrogram (mel scale; v for the waveform)" : "Playback shows the waveform (v for the spectrogram)")
    }
}
