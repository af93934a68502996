import Foundation
import SottoAudio

/// A private folder for one test, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("\(NSTemporaryDirectory())sotto-audio-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "cannot create a temporary folder")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    var contents: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// An ALSA device, defined in a private configuration tree, that writes the raw S16_LE stream it
/// is given to `path`. Its slave is `null`, which consumes instantly, so playback is not paced.
func tapDevice(writingTo path: String) -> AudioDevice {
    .configuration(
        text: """
            pcm.tap {
                type file
                slave.pcm { type null }
                file "\(path)"
                format "raw"
            }
            """,
        pcm: "tap")
}

/// A signal that exercises the conversion: clipping, exact halves (±0.5), NaN, then a chirp.
func testSignal(frames: Int, channels: Int = 1) -> [Float] {
    let specials: [Float] = [0, 1, -1, 1.5, -2, 0.5, -0.5, Float(0.5).nextDown, .nan, 0.25]
    return (0..<(frames * channels)).map { index in
        if index < specials.count { return specials[index] }
        let time = Double(index / channels) / 24_000
        let channelPhase = Double(index % channels) * 0.7
        return Float(0.9 * sin(2 * .pi * (220 + 900 * time) * time + channelPhase))
    }
}

/// The bytes a correct player must send to the device, computed straight from the documented
/// rule (int16 = clamp(round-half-away(x · 32767), ±32767), NaN → 0), little-endian.
func expectedS16Bytes(_ samples: some Collection<Float>) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(samples.count * 2)
    for sample in samples {
        var value = 0
        if !sample.isNaN {
            let scaled = (Double(sample) * 32767).rounded(.toNearestOrAwayFromZero)
            value = Int(min(32767, max(-32767, scaled)))
        }
        let bits = UInt16(bitPattern: Int16(value))
        bytes.append(UInt8(bits & 0xFF))
        bytes.append(UInt8(bits >> 8))
    }
    return bytes
}

func expectedS16(_ samples: some Collection<Float>) -> [Int16] {
    let bytes = expectedS16Bytes(samples)
    return stride(from: 0, to: bytes.count, by: 2).map {
        Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
    }
}

func replaceFile(_ path: String, with bytes: some Sequence<UInt8>) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func fileBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map(Array.init) ?? []
}

/// Polls `condition` until it holds or `timeout` passes; false means it timed out. The timeout is
/// only a guard against hanging, never a measure of speed.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}

/// Generous: long enough for a loaded machine, short enough that a hang fails the test.
let doneTimeout = Duration.seconds(60)
