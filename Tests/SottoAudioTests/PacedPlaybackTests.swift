import Foundation
import SottoAudio
import Testing

/// Playback on `ClockedDevice`, which consumes audio in real time like a sound card. Assertions
/// never depend on how fast anything runs; sleeps only guarantee that at least so much time passed.
@Suite("Playback on a device that plays in real time")
struct PacedPlaybackTests {
    @Test func theBytesArePlayedExactlyAndThePlayheadEndsAtTheLastFrame() throws {
        let device = try ClockedDevice.make()
        let samples = testSignal(frames: 4_800)
        let buffer = PlaybackBuffer(samples: samples, sampleRate: 16_000)
        let player = try Player(
            source: buffer, adoptingPCM: device.handle, name: "clocked", latency: .milliseconds(60))
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(device.recorded == expectedS16(samples))
        #expect(device.rate == 16_000)
        #expect(player.playhead == 4_800)
    }

    @Test func thePlayheadCountsHeardFramesNotWrittenOnes() async throws {
        let device = try ClockedDevice.make()
        let samples = testSignal(frames: 12_000)
        let buffer = PlaybackBuffer(sampleRate: 24_000)
        let player = try Player(
            source: buffer, adoptingPCM: device.handle, name: "clocked", latency: .milliseconds(100))
        // Less than the device buffer: ALSA does not start the device until the buffer fills, so
        // these frames are written but nobody has heard them yet.
        let queued = player.bufferFrames / 2
        buffer.append(Array(samples[..<queued]))
        player.start()
        let written = await eventually { player.framesWritten == queued }
        #expect(written)
        #expect(player.playhead == 0)
        #expect(player.state == .playing)

        buffer.append(Array(samples[queued...]))
        buffer.finish()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(player.playhead == 12_000)
        #expect(device.recorded == expectedS16(samples))
    }

    @Test(arguments: [0, 2_000])
    func thePlayheadNeverGoesBackNorPassesWhatWasWritten(startFrame: Int) async throws {
        let device = try ClockedDevice.make()
        let samples = testSignal(frames: 9_600)
        let buffer = PlaybackBuffer(samples: samples, sampleRate: 16_000)
        let player = try Player(
            source: buffer, adoptingPCM: device.handle, name: "clocked", startFrame: startFrame,
            latency: .milliseconds(80))
        player.start()
        var readings: [(playhead: Int, written: Int)] = []
        let ended = await eventually {
            // Playhead first: both only grow, so this order can only understate the playhead.
            let playhead = player.playhead
            readings.append((playhead, player.framesWritten))
            return player.state.isDone
        }
        #expect(ended)
        #expect(player.state == .finished)
        for (earlier, later) in zip(readings, readings.dropFirst()) {
            #expect(later.playhead >= earlier.playhead)
        }
        for reading in readings {
            #expect(reading.playhead >= startFrame)
            #expect(reading.playhead <= reading.written)
            #expect(reading.written <= 9_600)
        }
        #expect(player.playhead == 9_600)
        #expect(device.recorded == expectedS16(samples[startFrame...]))
    }

    @Test func aLateProducerCausesARecoveredUnderrunWithoutLosingAudio() async throws {
        let device = try ClockedDevice.make()
        let samples = testSignal(frames: 16_000)
        let buffer = PlaybackBuffer(sampleRate: 16_000)
        let player = try Player(
            source: buffer, adoptingPCM: device.handle, name: "clocked", latency: .milliseconds(50))
        // More than the device buffer, so the device starts and runs.
        let firstChunk = 4_000
        buffer.append(Array(samples[..<firstChunk]))
        player.start()
        let handedOver = await eventually { player.framesWritten == firstChunk }
        #expect(handedOver)
        // Everything is in the device, which holds at most 50 ms; after 300 ms of silence from the
        // producer it must have run dry, whatever the machine's load.
        try await Task.sleep(for: .milliseconds(300))
        buffer.append(Array(samples[firstChunk...]))
        buffer.finish()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(device.underrunsDeclared >= 1)
        #expect(player.underrunCount >= 1)
        #expect(player.underrunCount <= device.underrunsDeclared)
        // Recovery neither drops nor repeats frames.
        #expect(device.recorded == expectedS16(samples))
        #expect(player.playhead == 16_000)
    }

    @Test func stopEndsPlaybackEarly() async throws {
        let device = try ClockedDevice.make()
        // Ten seconds of audio from a producer that never finishes: without stop() this player
        // would wait for more audio for ever, however slowly this test gets scheduled.
        let buffer = PlaybackBuffer(sampleRate: 16_000)
        buffer.append(testSignal(frames: 160_000))
        let player = try Player(
            source: buffer, adoptingPCM: device.handle, name: "clocked", latency: .milliseconds(100))
        player.start()
        let started = await eventually { player.framesWritten > 0 }
        #expect(started)
        player.stop()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .stopped)
        #expect(player.framesWritten <= 160_000)
        #expect(device.recorded.count == player.framesWritten)
        #expect(player.playhead <= player.framesWritten)
    }

    @Test func aRateTheDeviceRefusesIsAClearError() throws {
        let device = try ClockedDevice.make(rates: 48_000...48_000)
        let buffer = PlaybackBuffer(samples: [0, 0, 0], sampleRate: 22_050)
        #expect {
            try Player(source: buffer, adoptingPCM: device.handle, name: "fixed-rate")
        } throws: { error in
            guard case let .streamRefused(name, rate, channels, _, _)? = error as? AudioError else {
                return false
            }
            let text = "\(error)"
            return name == "fixed-rate" && rate == 22_050 && channels == 1
                && text.contains("\"fixed-rate\"") && text.contains("22050 Hz mono")
        }
    }
}
