import Foundation
import SottoAudio

extension StudioModel {
    /// A take's loudness: as recorded with it, else measured from its audio now and kept in the
    /// session (takes from before loudness was recorded). Nil while the take is still growing or
    /// when its audio cannot be read.
    func loudness(of takeID: Int) -> Loudness? {
        guard let index = manifest.takes.firstIndex(where: { $0.id == takeID }) else { return nil }
        if let known = manifest.takes[index].metrics.loudness { return known }
        let take = manifest.takes[index]
        let audio = library.cached(takeID) ?? take.audioFile.flatMap { try? library.load(takeID, from: session.audioURL($0)) }
        guard let audio, audio.isFinished,
              let measured = Loudness.measure(audio.samples(), sampleRate: audio.sampleRate, channels: audio.channels)
        else { return nil }
        manifest.takes[index].metrics.loudness = measured
        saveNow()
        return measured
    }

    /// The linear gain that plays `takeID` at the loudness of the pair (`takeID`, `other`):
    /// see `LoudnessMatch`. 1 when either loudness is unknown.
    func matchedGain(for takeID: Int, against other: Int) -> Double {
        guard let mine = loudness(of: takeID), let theirs = loudness(of: other) else { return 1 }
        return LoudnessMatch.gains([mine, theirs])[0]
    }

    /// "-12.0 dB": a gain as the A/B messages show it.
    static func gainLabel(_ gain: Double) -> String {
        let decibels = Loudness.decibels(gain)
        return decibels.isFinite ? String(format: "%+.1f dB", abs(decibels) < 0.05 ? 0 : decibels) : "muted"
    }
}
