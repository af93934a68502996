import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// Latency at the speaker: the state derived from the player's start timing, and a take streamed
/// through a real ALSA device (the `file` plugin over `null`) carrying it into its metrics and the
/// Metrics pane.
@Suite struct SpeakerLatencyTests {
    @Test func latencyIsCountedFromTheKeyToTheFirstWriteAndToTheFirstAudibleFrame() throws {
        var timing = PlaybackStartTiming(sampleRate: 20_000)
        timing.firstWriteAt = 10.5
        timing.runningAt = 10.52
        // 400 frames (0.02 s) had already played when the device was seen running; the device
        // reported 2 000 frames (0.1 s) of delay beyond its queue.
        timing.playedFramesAtRunning = 400
        timing.extraDelayFrames = 2_000
        let latency = try #require(SpeakerLatency(timing, requestedAt: 10))
        #expect(abs(latency.toAlsaSeconds - 0.5) < 1e-9)
        #expect(abs(try #require(latency.audibleSeconds) - 0.6) < 1e-9)
        #expect(latency.label == "0.500 s to ALSA · 0.600 s heard")
    }

    @Test func withoutAWriteThereIsNoLatencyAndWithoutARunningDeviceOnlyTheWrite() {
        var timing = PlaybackStartTiming(sampleRate: 16_000)
        #expect(SpeakerLatency(timing, requestedAt: 1) == nil)
        #expect(SpeakerLatency(nil, requestedAt: 1) == nil)
        timing.firstWriteAt = 1.25
        let latency = SpeakerLatency(timing, requestedAt: 1)
        #expect(latency == SpeakerLatency(toAlsaSeconds: 0.25, audibleSeconds: nil))
        #expect(latency?.label == "0.250 s to ALSA")
    }

    @Test func aFrameIsNeverHeardBeforeItWasHandedOver() throws {
        var timing = PlaybackStartTiming(sampleRate: 16_000)
        timing.firstWriteAt = 2
        timing.runningAt = 2
        timing.playedFramesAtRunning = 1_600
        let latency = try #require(SpeakerLatency(timing, requestedAt: 1))
        #expect(latency.audibleSeconds == latency.toAlsaSeconds)
    }

    @Test func metricsFromBeforeTheMeasurementStillDecode() throws {
        let old = #"{"firstAudioReachedSpeakers": true, "loadSeconds": 0, "synthesisSeconds": 1, "audioSeconds": 2, "stages": []}"#
        let metrics = try JSONDecoder().decode(TakeMetrics.self, from: Data(old.utf8))
        #expect(metrics.speakerLatency == nil)
        var measured = metrics
        measured.speakerLatency = SpeakerLatency(toAlsaSeconds: 0.3, audibleSeconds: 0.35)
        let again = try JSONDecoder().decode(TakeMetrics.self, from: JSONEncoder().encode(measured))
        #expect(again == measured)
    }

    @Test func aTakeStreamedToAnAlsaFileDeviceRecordsItsLatencyAtTheSpeaker() throws {
        let folder = ScratchFolder()
        let tap = folder.path("tap.raw").path
        let device = AudioDevice.configuration(
            text: """
                pcm.tap {
                    type file
                    slave.pcm { type null }
                    file "\(tap)"
                    format "raw"
                }
                """,
            pcm: "tap")
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: AlsaOutput(device: device))
        defer { studio.shutdown() }
        #expect(studio.settle { !studio.loadedModels.isEmpty || !studio.loadFailures.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.handle(.character("s"))
        studio.settle { studio.takes.count == 1 && studio.jobs.isEmpty }
        let take = try #require(studio.takes.last)
        #expect(take.metrics.firstAudioReachedSpeakers)
        let latency = try #require(take.metrics.speakerLatency, "no latency at the speaker: \(take.metrics)")
        let audible = try #require(latency.audibleSeconds)
        // Frames are written after the key, and heard no earlier than they were written.
        #expect(latency.toAlsaSeconds > 0)
        #expect(audible >= latency.toAlsaSeconds)
        studio.playback.settle()
        #expect((try? FileManager.default.attributesOfItem(atPath: tap)[.size] as? Int) ?? 0 > 0)

        let grid = ScreenGrid(width: 100, height: 30)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        #expect(!grid.rows(containing: "to ALSA").isEmpty, "\(grid.text)")
    }
}
