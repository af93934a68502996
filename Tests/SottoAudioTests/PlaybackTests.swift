import Foundation
import SottoAudio
import Testing

@Suite("Playback through an ALSA file device")
struct PlaybackTests {
    @Test func everyFrameReachesTheDeviceByteForByte() throws {
        let folder = TemporaryDirectory()
        let output = folder.file("out.raw")
        let samples = testSignal(frames: 12_345)
        let buffer = PlaybackBuffer(samples: samples, sampleRate: 24_000)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output))
        #expect(player.state == .idle)
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output) == expectedS16Bytes(samples))
        #expect(player.framesWritten == 12_345)
        #expect(player.playhead == 12_345)
        #expect(player.underrunCount == 0)
    }

    @Test func stereoIsInterleaved() throws {
        let folder = TemporaryDirectory()
        let output = folder.file("stereo.raw")
        let samples = testSignal(frames: 5_001, channels: 2)
        let buffer = PlaybackBuffer(samples: samples, sampleRate: 44_100, channels: 2)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output))
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output) == expectedS16Bytes(samples))
        #expect(player.playhead == 5_001)
    }

    @Test func chunksAppendedWhilePlayingArePlayedInOrder() async throws {
        let folder = TemporaryDirectory()
        let output = folder.file("stream.raw")
        let samples = testSignal(frames: 20_000)
        let buffer = PlaybackBuffer(sampleRate: 22_050)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output))
        player.start()
        // Uneven chunk sizes, including one that splits a period; each is appended only once the
        // player has written everything before it, so playback is really ahead of the producer.
        var appended = 0
        for size in [1_000, 37, 4_096, 2_500, 6_000, 6_367] {
            buffer.append(Array(samples[appended..<(appended + size)]))
            appended += size
            let caughtUp = await eventually { player.framesWritten == appended }
            #expect(caughtUp)
            #expect(player.state == .playing, "must wait for more, not finish, while the buffer is open")
        }
        buffer.finish()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output) == expectedS16Bytes(samples))
        #expect(player.playhead == 20_000)
    }

    @Test func startingAtAnOffsetPlaysFromThatFrame() throws {
        let folder = TemporaryDirectory()
        let output = folder.file("offset.raw")
        let samples = testSignal(frames: 10_000)
        let buffer = PlaybackBuffer(samples: samples, sampleRate: 24_000)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output), startFrame: 3_333)
        #expect(player.playhead == 3_333)
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output) == expectedS16Bytes(samples[3_333...]))
        #expect(player.playhead == 10_000)
        #expect(player.framesWritten == 10_000)
    }

    @Test func anOffsetBeyondWhatHasArrivedWaitsForIt() async throws {
        let folder = TemporaryDirectory()
        let output = folder.file("late.raw")
        let samples = testSignal(frames: 9_000)
        let buffer = PlaybackBuffer(sampleRate: 24_000)
        buffer.append(Array(samples[..<1_000]))
        let player = try Player(source: buffer, device: tapDevice(writingTo: output), startFrame: 5_000)
        player.start()
        buffer.append(Array(samples[1_000..<6_000]))
        let reached = await eventually { player.framesWritten == 6_000 }
        #expect(reached)
        buffer.append(Array(samples[6_000...]))
        buffer.finish()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output) == expectedS16Bytes(samples[5_000...]))
    }

    @Test func anOffsetPastTheEndFinishesWithoutPlaying() throws {
        let folder = TemporaryDirectory()
        let output = folder.file("none.raw")
        let buffer = PlaybackBuffer(samples: testSignal(frames: 100), sampleRate: 24_000)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output), startFrame: 500)
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(fileBytes(output).isEmpty)
        #expect(player.playhead == 500)
    }

    @Test func stopEndsPlaybackThatWouldOtherwiseWaitForever() async throws {
        let folder = TemporaryDirectory()
        let output = folder.file("stopped.raw")
        let samples = testSignal(frames: 4_000)
        // Never finished: without stop() the player would wait for more audio indefinitely.
        let buffer = PlaybackBuffer(sampleRate: 24_000)
        buffer.append(samples)
        let player = try Player(source: buffer, device: tapDevice(writingTo: output))
        player.start()
        let wroteAll = await eventually { player.framesWritten == 4_000 }
        #expect(wroteAll)
        player.stop()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .stopped)
        let bytes = fileBytes(output)
        #expect(bytes.count <= 8_000)
        #expect(bytes == Array(expectedS16Bytes(samples).prefix(bytes.count)))
        // Finishing the buffer afterwards changes nothing.
        buffer.finish()
        #expect(player.state == .stopped)
    }

    @Test func stopBeforeStartReleasesTheDevice() throws {
        let folder = TemporaryDirectory()
        let buffer = PlaybackBuffer(samples: testSignal(frames: 1_000), sampleRate: 24_000)
        let player = try Player(source: buffer, device: tapDevice(writingTo: folder.file("x.raw")))
        player.stop()
        #expect(player.state == .stopped)
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .stopped)
        #expect(player.framesWritten == 0)
    }

    @Test func waitingOnAPlayerThatWasNeverStartedReturnsAtOnce() throws {
        let folder = TemporaryDirectory()
        let buffer = PlaybackBuffer(samples: testSignal(frames: 10), sampleRate: 24_000)
        let player = try Player(source: buffer, device: tapDevice(writingTo: folder.file("x.raw")))
        #expect(player.waitUntilDone() == .idle)
    }
}
