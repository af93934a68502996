import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// Loudness as EBU R128 measures it (libebur128), the gains that match two takes, and the
/// studio's A/B and blind playback at those gains.
@Suite struct LoudnessTests {
    static func sine(amplitude: Float, frequency: Float = 1_000, seconds: Double = 2, sampleRate: Int = 48_000) -> [Float] {
        (0..<Int(seconds * Double(sampleRate))).map { amplitude * sin(2 * Float.pi * frequency * Float($0) / Float(sampleRate)) }
    }

    @Test func aFullScaleSineAtOneKilohertzReadsAsBS1770Defines() throws {
        // BS.1770's K-weighting is 0 dB at 1 kHz after its -0.691 offset, so a 0 dBFS sine in one
        // channel is -3.01 LUFS, and each halving of the amplitude takes 6.02 LU off.
        let full = try #require(Loudness.measure(Self.sine(amplitude: 1), sampleRate: 48_000))
        #expect(abs(try #require(full.integratedLUFS) + 3.01) < 0.05)
        let half = try #require(Loudness.measure(Self.sine(amplitude: 0.5), sampleRate: 48_000))
        #expect(abs(try #require(half.integratedLUFS) + 9.03) < 0.05)
        #expect(abs(half.samplePeak - 0.5) < 1e-3)
    }

    @Test func silenceHasNoLoudnessAndBadParametersNoMeasurement() throws {
        let silence = try #require(Loudness.measure([Float](repeating: 0, count: 48_000), sampleRate: 48_000))
        #expect(silence.integratedLUFS == nil)
        #expect(silence.samplePeak == 0)
        #expect(Loudness.measure([0.1, 0.2], sampleRate: 0) == nil)
        #expect(Loudness.measure([0.1, 0.2], sampleRate: 16_000, channels: 0) == nil)
    }

    @Test func theLouderTakeIsBroughtDownToTheQuieterOne() throws {
        let loud = try #require(Loudness.measure(Self.sine(amplitude: 0.5), sampleRate: 48_000))
        let quiet = try #require(Loudness.measure(Self.sine(amplitude: 0.5 / 3.981), sampleRate: 48_000))
        let gains = LoudnessMatch.gains([loud, quiet])
        #expect(abs(Loudness.decibels(gains[0]) + 12) < 0.05)
        #expect(gains[1] == 1)
    }

    @Test func matchedGainsNeverPushAPeakPastFullScale() throws {
        // A take that already peaks above full scale is lowered until it does not, and the
        // quieter one follows it down so the two still match.
        let hot = try #require(Loudness.measure(Self.sine(amplitude: 1.6), sampleRate: 48_000))
        let other = try #require(Loudness.measure(Self.sine(amplitude: 0.9, frequency: 440), sampleRate: 48_000))
        let gains = LoudnessMatch.gains([hot, other])
        #expect(gains[0] * hot.samplePeak <= 1 + 1e-9)
        #expect(gains[1] * other.samplePeak <= 1 + 1e-9)
        let matched = zip([hot, other], gains).map { try! #require($0.integratedLUFS) + Loudness.decibels($1) }
        #expect(abs(matched[0] - matched[1]) < 1e-9)
        // A silent take is only kept from clipping.
        let silent = Loudness(integratedLUFS: nil, samplePeak: 0)
        #expect(LoudnessMatch.gains([silent, other]) == [1, 1])
    }

    @Test func abAndBlindPlaybackAreLoudnessMatched() throws {
        let folder = ScratchFolder()
        try LoudnessFixture.writeSession(amplitudes: [0.4, 0.4 / 3.981], into: folder.path("sessions"))
        let output = ManualOutput()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        defer { studio.shutdown() }
        #expect(studio.takes.count == 2)
        studio.command("mark a 1")
        studio.command("mark b 2")
        var peaks: [Int: Float] = [:]
        var messages: [Int: String] = [:]
        for _ in 0..<2 {
            studio.handle(.character("t"))
            studio.playback.settle()
            let sound = try #require(output.opened.last)
            let takeID = studio.playbackSnapshot.takeID ?? 0
            peaks[takeID] = sound.buffer.samples().map(abs).max()
            messages[takeID] = studio.log.current(at: studio.now)?.text
        }
        let a = try #require(peaks[1]), b = try #require(peaks[2])
        // Both play at the quieter take's level: A is brought down 12 dB, B is untouched.
        #expect(abs(Loudness.decibels(Double(a / b))) < 0.1)
        #expect(abs(Double(b) - 0.4 / 3.981) < 1e-3)
        #expect(messages[1]?.contains("-12.0 dB to match loudness") == true, "\(messages)")
        #expect(messages[2]?.contains("+0.0 dB to match loudness") == true, "\(messages)")

        studio.handle(.character("B"))
        let test = try #require(studio.blind)
        studio.handle(.character("1"))
        studio.playback.settle()
        let sample = try #require(output.opened.last)
        #expect(studio.playbackSnapshot.takeID == test.order[0])
        #expect(abs(Double(try #require(sample.buffer.samples().map(abs).max())) - 0.4 / 3.981) < 1e-3)
    }
}

/// A session of sine takes at the given amplitudes, written through the studio's own store.
enum LoudnessFixture {
    static func writeSession(amplitudes: [Float], into root: URL) throws {
        let (handle, created) = try SessionStore(root: root).create()
        var manifest = created
        for (index, amplitude) in amplitudes.enumerated() {
            let id = index + 1
            let name = SessionHandle.audioFileName(takeID: id)
            let samples = (0..<32_000).map { amplitude * sin(2 * Float.pi * 440 * Float($0) / 16_000) }
            try AudioFile.write(samples: samples, sampleRate: 16_000, to: handle.audioURL(name).path, format: .wavFloat)
            manifest.takes.append(Take(
                id: id, createdAt: Date(), text: "Take number \(id).",
                model: TakeModel(id: "piper:fixture", name: "fixture", kind: .piper, variant: nil),
                settings: VoiceSettings(voice: "voice\(id)"), seed: nil, sampleRate: 16_000, frames: samples.count,
                audioFile: name, metrics: TakeMetrics(timeToFirstAudio: 0.1, synthesisSeconds: 0.2, audioSeconds: 2),
                notes: [], outcome: .complete))
        }
        manifest.nextTakeID = amplitudes.count + 1
        manifest.text = "Fixture text."
        try handle.writeManifest(manifest)
    }
}
