import Foundation
import SottoAudio
import Testing

/// Reference recordings for voice cloning: reading any rate and layout, the checks and their
/// one-line errors.
@Suite struct ReferenceAudioTests {
    /// A 16-bit PCM WAV written byte by byte, with chunks a plain writer never makes (fact, PEAK,
    /// LIST and an unknown one) before the data.
    private func wavWithExtraChunks(_ samples: [Int16], sampleRate: Int) -> Data {
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func chunk(_ id: String, _ body: [UInt8]) -> [UInt8] {
            Array(id.utf8) + le32(UInt32(body.count)) + body + (body.count % 2 == 1 ? [0] : [])
        }
        let format = le16(1) + le16(1) + le32(UInt32(sampleRate)) + le32(UInt32(sampleRate * 2)) + le16(2) + le16(16)
        let peakValue = Float(samples.map { abs(Int($0)) }.max() ?? 0) / 32768
        let peak = le32(1) + le32(0) + withUnsafeBytes(of: peakValue.bitPattern.littleEndian, Array.init) + le32(0)
        let info = Array("INFO".utf8) + chunk("ISFT", Array("sotto test\0".utf8))
        let data = samples.flatMap { le16(UInt16(bitPattern: $0)) }
        let body = Array("WAVE".utf8) + chunk("fmt ", format) + chunk("fact", le32(UInt32(samples.count)))
            + chunk("PEAK", peak) + chunk("LIST", info) + chunk("abcd", [1, 2, 3]) + chunk("data", data)
        return Data(Array("RIFF".utf8) + le32(UInt32(body.count)) + body)
    }

    private func tone(seconds: Double, sampleRate: Int, frequency: Double = 220, level: Double = 0.3) -> [Float] {
        (0 ..< Int(seconds * Double(sampleRate))).map {
            Float(level * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate)))
        }
    }

    @Test func aWAVWithFactPeakListAndUnknownChunksReadsExactly() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("chunks.wav")
        let raw: [Int16] = tone(seconds: 1.5, sampleRate: 24_000).map { Int16(($0 * 32767).rounded()) }
        try wavWithExtraChunks(raw, sampleRate: 24_000).write(to: URL(fileURLWithPath: path))
        let reference = try ReferenceAudio.load(path)
        // At 24 kHz nothing is resampled; 16-bit samples are scaled by 1/32768 as libsndfile does.
        #expect(reference.samples == raw.map { Float($0) / 32768 })
        #expect(reference.sourceSampleRate == 24_000 && reference.sourceChannels == 1)
        #expect(reference.notes.isEmpty)
    }

    @Test func stereoAt48kHzIsAveragedAndResampledTo24kHz() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("stereo.wav")
        let left = tone(seconds: 2, sampleRate: 48_000, frequency: 440, level: 0.4)
        let right = left.map { -0.5 * $0 }
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        try AudioFile.write(samples: interleaved, sampleRate: 48_000, channels: 2, to: path, format: .wavFloat)
        let reference = try ReferenceAudio.load(path)
        #expect(reference.samples.count == 48_000)
        #expect(reference.sourceChannels == 2 && reference.sourceSampleRate == 48_000)
        // The average of the channels is a 440 Hz tone at 0.1; the filter delay is compensated,
        // so away from the ends the resampled tone lines up with the ideal one.
        let ideal = tone(seconds: 2, sampleRate: 24_000, frequency: 440, level: 0.1)
        var worst: Float = 0
        for i in 2_000 ..< 46_000 { worst = max(worst, abs(reference.samples[i] - ideal[i])) }
        #expect(worst < 1e-4, "worst difference from the ideal tone: \(worst)")
    }

    @Test(arguments: [AudioFileFormat.flac16, .oggVorbis])
    func compressedFilesAtOtherRatesLoad(format: AudioFileFormat) throws {
        let folder = TemporaryDirectory()
        let path = folder.file("voice.\(format.fileExtension)")
        try AudioFile.write(samples: tone(seconds: 1.25, sampleRate: 22_050), sampleRate: 22_050, to: path, format: format)
        let reference = try ReferenceAudio.load(path)
        #expect(reference.samples.count == SoxrResampler.outputLength(forInputLength: 27_562, from: 22_050, to: 24_000))
        #expect(abs(reference.duration - 1.25) < 0.001)
    }

    private func expectError(_ path: String, _ check: (ReferenceAudioError) -> Bool,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ReferenceAudio.load(path)
            Issue.record("\(path) was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(check(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), "not one line: \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(path), "does not name the file: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingEmptyFolderAndNonAudioFilesAreClearErrors() throws {
        let folder = TemporaryDirectory()
        expectError(folder.file("nowhere.wav")) { if case .unreadable(.fileNotFound) = $0 { true } else { false } }
        expectError(folder.path) { $0.description.contains("folder") }
        FileManager.default.createFile(atPath: folder.file("empty.wav"), contents: Data())
        expectError(folder.file("empty.wav")) { $0.description.contains("empty") }
        FileManager.default.createFile(atPath: folder.file("notes.wav"), contents: Data("just some text, not audio\n".utf8))
        expectError(folder.file("notes.wav")) { if case .unreadable(.unreadableFile) = $0 { true } else { false } }
    }

    @Test func aFileWithNoSamplesIsEmpty() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("header-only.wav")
        try wavWithExtraChunks([], sampleRate: 24_000).write(to: URL(fileURLWithPath: path))
        expectError(path) { if case .empty = $0 { true } else { false } }
    }

    @Test func tooShortAndTooLongRecordingsAreRefused() throws {
        let folder = TemporaryDirectory()
        try AudioFile.write(samples: tone(seconds: 0.9, sampleRate: 16_000), sampleRate: 16_000, to: folder.file("short.wav"))
        expectError(folder.file("short.wav")) {
            if case let .tooShort(_, seconds, minimum) = $0 { abs(seconds - 0.9) < 1e-9 && minimum == 1 } else { false }
        }
        try AudioFile.write(samples: tone(seconds: 1.0, sampleRate: 16_000), sampleRate: 16_000, to: folder.file("second.wav"))
        #expect(try ReferenceAudio.load(folder.file("second.wav")).samples.count == 24_000)
        try AudioFile.write(samples: tone(seconds: 31, sampleRate: 8_000), sampleRate: 8_000, to: folder.file("long.wav"))
        expectError(folder.file("long.wav")) {
            if case let .tooLong(_, seconds, maximum) = $0 { abs(seconds - 31) < 1e-9 && maximum == 30 } else { false }
        }
    }

    @Test func silenceIsRefusedAndQuietSpeechIsNot() throws {
        let folder = TemporaryDirectory()
        try AudioFile.write(samples: [Float](repeating: 0, count: 48_000), sampleRate: 24_000, to: folder.file("zeros.wav"), format: .wavFloat)
        expectError(folder.file("zeros.wav")) { if case .silent = $0 { true } else { false } }
        // −70 dBFS hiss: below the threshold.
        try AudioFile.write(samples: tone(seconds: 2, sampleRate: 24_000, level: 0.0004), sampleRate: 24_000,
                            to: folder.file("hiss.wav"), format: .wavFloat)
        expectError(folder.file("hiss.wav")) { if case let .silent(_, level) = $0 { level < -60 } else { false } }
        // −50 dBFS: quiet but usable.
        try AudioFile.write(samples: tone(seconds: 2, sampleRate: 24_000, level: 0.0045), sampleRate: 24_000,
                            to: folder.file("quiet.wav"), format: .wavFloat)
        #expect(try ReferenceAudio.load(folder.file("quiet.wav")).notes.isEmpty)
    }

    @Test func aClippedRecordingIsUsedWithANote() throws {
        let folder = TemporaryDirectory()
        let clipped = tone(seconds: 2, sampleRate: 24_000, level: 3).map { min(max($0, -1), 1) }
        try AudioFile.write(samples: clipped, sampleRate: 24_000, to: folder.file("clipped.wav"), format: .wavFloat)
        let reference = try ReferenceAudio.load(folder.file("clipped.wav"))
        #expect(reference.notes.count == 1)
        #expect(reference.notes.first?.contains("clipped") == true)
    }

    @Test func theResamplerGivesLibrosasLengthAndRefusesBadRates() throws {
        let signal = tone(seconds: 0.5, sampleRate: 44_100).dropLast(3)
        let output = try SoxrResampler.resample(Array(signal), from: 44_100, to: 24_000)
        #expect(output.count == (signal.count * 24_000 + 44_099) / 44_100)
        #expect(try SoxrResampler.resample([1, 2, 3], from: 24_000, to: 24_000) == [1, 2, 3])
        #expect(throws: AudioError.self) { try SoxrResampler.resample([1, 2, 3], from: 0, to: 24_000) }
    }
}
