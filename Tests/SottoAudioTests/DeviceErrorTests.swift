import Foundation
import SottoAudio
import Testing

@Suite("Opening ALSA devices that cannot play")
struct DeviceErrorTests {
    private let buffer = PlaybackBuffer(samples: [0.1, 0.2], sampleRate: 24_000)

    private func openingError(_ device: AudioDevice) -> AudioError? {
        do {
            _ = try Player(source: buffer, device: device)
            return nil
        } catch {
            return error
        }
    }

    @Test func anUnknownDeviceNameIsReportedWithWhatALSASaid() throws {
        let name = "sotto_no_such_device_\(UInt32.random(in: 0...UInt32.max))"
        let error = try #require(openingError(.named(name)))
        guard case let .deviceUnavailable(device, code, alsaMessage) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(device == name)
        #expect(code == -ENOENT)
        // ALSA's own message was captured rather than printed on stderr.
        #expect(alsaMessage.contains(name))
        #expect("\(error)".hasPrefix(
            "no audio device: cannot open ALSA device \"\(name)\" (No such file or directory)"))
        #expect("\(error)".contains("ALSA says:"))
    }

    @Test func aSoundCardThatIsNotThereIsReported() throws {
        let error = try #require(openingError(.named("plughw:97,0")))
        guard case .deviceUnavailable(device: "plughw:97,0", _, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect("\(error)".contains("no audio device: cannot open ALSA device \"plughw:97,0\""))
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/dev/snd"), "needs a machine without a sound card"))
    func theDefaultDeviceWithoutASoundCardIsAClearError() throws {
        let error = try #require(openingError(.systemDefault))
        #expect("\(error)".hasPrefix("no audio device: cannot open ALSA device \"default\" ("))
    }

    @Test func aPCMMissingFromAPrivateConfigurationIsReported() throws {
        let device = AudioDevice.configuration(text: "pcm.other { type null }", pcm: "wanted")
        let error = try #require(openingError(device))
        guard case .deviceUnavailable(device: "wanted", _, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
    }

    @Test func aPrivateConfigurationThatDoesNotParseIsReported() throws {
        let device = AudioDevice.configuration(text: "pcm.broken { type file ", pcm: "broken")
        let error = try #require(openingError(device))
        guard case .invalidDeviceConfiguration = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect("\(error)".hasPrefix("invalid ALSA configuration ("))
    }

    @Test func aNullDeviceFromAPrivateConfigurationOpens() throws {
        let device = AudioDevice.configuration(text: "pcm.quiet { type null }", pcm: "quiet")
        let player = try Player(source: buffer, device: device)
        #expect(player.deviceName == "quiet")
        #expect(player.periodFrames > 0)
        #expect(player.bufferFrames >= player.periodFrames)
        player.start()
        #expect(player.waitUntilDone(timeout: doneTimeout) == .finished)
        #expect(player.playhead == 2)
    }
}
