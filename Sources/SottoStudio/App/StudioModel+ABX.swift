import Foundation
import SottoCore

extension StudioModel {
    /// `:abx [ROUNDS]`: an ABX run over the takes marked A and B.
    public func startABX(rounds: Int = ABXTest.defaultRounds) {
        guard let a = manifest.markA, let b = manifest.markB, take(a) != nil, take(b) != nil else {
            error("ABX compares the takes marked A and B: mark two takes first (a, b)")
            return
        }
        guard ABXTest.roundLimit.contains(rounds) else {
            error("an ABX run has \(ABXTest.roundLimit.lowerBound) to \(ABXTest.roundLimit.upperBound) rounds, not \(rounds)")
            return
        }
        closeListeningTests()
        // Whatever the status bar said about A and B could give X away.
        log.dismiss()
        abx = ABXTest(takeA: a, takeB: b, rounds: rounds, run: manifest.listeningLog.nextABXRun, using: &random)
        openOverlay(.abx)
    }

    /// Plays the selected ABX sample at the pair's loudness; X gets its take's gain, and no gain
    /// is shown.
    func playABX(_ test: ABXTest, from position: PlaybackPosition) {
        let takeID = test.currentTake
        play(takeID: takeID, from: position, gain: matchedGain(for: takeID, against: takeID == test.takeA ? test.takeB : test.takeA))
    }

    func handleABX(_ key: Key) {
        guard var test = abx else {
            overlay = nil
            return
        }
        guard let action = KeyMap.abxAction(for: key) else {
            if key == .control("c") { playback.stop() }
            return
        }
        let playing = playbackSnapshot.isActive
        switch action {
        case .abxListen(let sample):
            test.select(sample)
            abx = test
            if !test.isFinished { playABX(test, from: playing ? .samePosition : .start) }
        case .abxSwitch(let step):
            test.cycle(by: step)
            abx = test
            if playing, !test.isFinished { playABX(test, from: .samePosition) }
        case .playStop:
            if playing { playback.stop() } else if !test.isFinished { playABX(test, from: .start) }
        case .abxAnswer(let slot):
            guard let trial = test.answer(slot, date: Date(), using: &random) else { return }
            playback.stop()
            abx = test
            manifest.listeningLog.abxTrials.append(trial)
            saveNow()
            info(test.isFinished ? "ABX run over: \(test.correct) of \(test.trials.count) right"
                                 : "answer kept; round \(test.round) of \(test.rounds), X drawn again")
        case .abxAgain:
            guard test.isFinished else { return }
            abx = ABXTest(takeA: test.takeA, takeB: test.takeB, rounds: test.rounds, run: manifest.listeningLog.nextABXRun, using: &random)
        case .leaveTest:
            // The first Esc of a run cut short shows its score; the next leaves.
            if !test.isFinished, !test.trials.isEmpty {
                playback.stop()
                test.finish()
                abx = test
            } else {
                closeListeningTests()
            }
        default:
            break
        }
    }
}
