import Foundation
import SottoAudio
import Testing

@Suite("Audio files through libsndfile")
struct AudioFileTests {
    /// Speech-like test material: a few harmonics with a slow tremolo, peaking below 0.8.
    private func tone(frames: Int, sampleRate: Int, channels: Int = 1) -> [Float] {
        (0..<(frames * channels)).map { index in
            let time = Double(index / channels) / Double(sampleRate)
            let pitch = 180.0 + 40 * Double(index % channels)
            var value = 0.0
            for harmonic in 1...4 {
                value += sin(2 * .pi * pitch * Double(harmonic) * time) / Double(harmonic * 3)
            }
            return Float(value * (0.8 + 0.2 * sin(2 * .pi * 3 * time)))
        }
    }

    private func header(_ path: String, bytes: Int = 4) -> String {
        String(decoding: fileBytes(path).prefix(bytes), as: UTF8.self)
    }

    @Test func floatWAVRoundTripsExactly() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.wav")
        // Out-of-range values too: a float file must keep them.
        let samples = tone(frames: 7_919, sampleRate: 24_000, channels: 2) + [1.75, -3]
        try AudioFile.write(samples: samples, sampleRate: 24_000, channels: 2, to: path, format: .wavFloat)
        let audio = try AudioFile.read(path)
        #expect(audio.samples == samples)
        #expect(audio.sampleRate == 24_000)
        #expect(audio.channels == 2)
        #expect(audio.frameCount == 7_920)
        #expect(header(path) == "RIFF")
    }

    @Test(arguments: [AudioFileFormat.wav16, .flac16])
    func sixteenBitFilesAreWithinOneQuantisationStep(format: AudioFileFormat) throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.\(format.fileExtension)")
        let samples = tone(frames: 22_050, sampleRate: 22_050) + [1, -1, 0.5 / 32767]
        try AudioFile.write(samples: samples, sampleRate: 22_050, to: path, format: format)
        let audio = try AudioFile.read(path)
        #expect(audio.sampleRate == 22_050)
        #expect(audio.channels == 1)
        #expect(audio.samples.count == samples.count)
        let worst = zip(audio.samples, samples).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1 / 32768)
        // Exactly the 16-bit values Sotto's conversion produces.
        #expect(audio.samples.map(SampleConversion.int16) == samples.map(SampleConversion.int16))
        #expect(header(path) == (format == .flac16 ? "fLaC" : "RIFF"))
    }

    @Test func sixteenBitFilesClipInsteadOfWrappingAround() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("loud.wav")
        try AudioFile.write(samples: [1.5, -2, 1.0001], sampleRate: 16_000, to: path)
        #expect(try AudioFile.read(path).samples == [1, -1, 1])
    }

    @Test func oggVorbisKeepsLengthAndShape() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.ogg")
        let samples = tone(frames: 44_100, sampleRate: 44_100)
        try AudioFile.write(samples: samples, sampleRate: 44_100, to: path)
        #expect(header(path) == "OggS")
        let audio = try AudioFile.read(path)
        #expect(audio.sampleRate == 44_100)
        #expect(audio.samples.count == samples.count)
        #expect(correlation(audio.samples, samples) > 0.9)
    }

    @Test func theExtensionChoosesTheFormat() throws {
        let folder = TemporaryDirectory()
        let samples = tone(frames: 1_000, sampleRate: 16_000)
        for (name, magic) in [("a.wav", "RIFF"), ("b.FLAC", "fLaC"), ("c.oga", "OggS")] {
            try AudioFile.write(samples: samples, sampleRate: 16_000, to: folder.file(name))
            #expect(header(folder.file(name)) == magic)
        }
        // A .wav is 16-bit unless asked otherwise: bits per sample sit at byte 34 of the header.
        #expect(fileBytes(folder.file("a.wav"))[34] == 16)
        #expect(AudioFileFormat(path: "x/y.ogg") == .oggVorbis)
        #expect(AudioFileFormat(path: "take.mp3") == nil)
        #expect(AudioFileFormat(path: "folder.wav/take") == nil)
        #expect(AudioFileFormat(path: ".wav") == nil)
    }

    @Test func anUnknownExtensionIsRefusedAndLeavesNothing() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.mp3")
        #expect(throws: AudioError.unknownFileFormat(path: path)) {
            try AudioFile.write(samples: [0], sampleRate: 16_000, to: path)
        }
        #expect(folder.contents.isEmpty)
    }

    @Test func writesLeaveNoTemporaryFilesAndReplaceWholeFiles() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.flac")
        try AudioFile.write(samples: tone(frames: 30_000, sampleRate: 24_000), sampleRate: 24_000, to: path)
        let replacement = tone(frames: 500, sampleRate: 24_000).map { $0 / 2 }
        try AudioFile.write(samples: replacement, sampleRate: 24_000, to: path)
        #expect(folder.contents == ["take.flac"])
        let audio = try AudioFile.read(path)
        #expect(audio.samples.count == 500)
        #expect(audio.samples.map(SampleConversion.int16) == replacement.map(SampleConversion.int16))
    }

    @Test func aFailedWriteLeavesNoTemporaryFileAndKeepsTheOldFile() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.wav")
        try AudioFile.write(samples: [0.5, 0.25], sampleRate: 16_000, to: path)
        // Three samples cannot be whole stereo frames.
        #expect(throws: AudioError.self) {
            try AudioFile.write(samples: [0.1, 0.2, 0.3], sampleRate: 16_000, channels: 2, to: path)
        }
        // FLAC cannot hold this many channels.
        #expect(throws: AudioError.self) {
            try AudioFile.write(
                samples: [Float](repeating: 0, count: 20), sampleRate: 16_000, channels: 20,
                to: path, format: .flac16)
        }
        #expect(folder.contents == ["take.wav"])
        #expect(try AudioFile.read(path).samples.count == 2)
    }

    @Test func writingIntoAMissingFolderIsAClearError() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("missing/take.wav")
        #expect {
            try AudioFile.write(samples: [0], sampleRate: 16_000, to: path)
        } throws: { error in
            "\(error)" == "cannot write \"\(path)\": No such file or directory"
        }
    }

    @Test func aMissingFileIsReportedByName() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("nothing.wav")
        #expect(throws: AudioError.fileNotFound(path: path)) { try AudioFile.read(path) }
        #expect("\(AudioError.fileNotFound(path: path))" == "cannot read \"\(path)\": no such file")
    }

    @Test func aFolderIsNotAnAudioFile() throws {
        let folder = TemporaryDirectory()
        #expect(throws: AudioError.unreadableFile(path: folder.path, reason: "it is a folder")) {
            try AudioFile.read(folder.path)
        }
    }

    @Test func garbageIsReportedWithLibsndfilesReason() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("noise.wav")
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try replaceFile(path, with: garbage)
        try expectUnreadable(path)
    }

    @Test(arguments: [AudioFileFormat.wav16, .flac16, .oggVorbis])
    func aFileCutInsideItsHeaderIsReported(format: AudioFileFormat) throws {
        let folder = TemporaryDirectory()
        let path = folder.file("cut.\(format.fileExtension)")
        try AudioFile.write(samples: tone(frames: 8_000, sampleRate: 16_000), sampleRate: 16_000, to: path)
        let bytes = fileBytes(path)
        try replaceFile(path, with: bytes.prefix(20))
        try expectUnreadable(path)
    }

    @Test(arguments: [AudioFileFormat.wav16, .wavFloat, .flac16])
    func aFileCutInsideItsAudioIsReported(format: AudioFileFormat) throws {
        let folder = TemporaryDirectory()
        let path = folder.file("cut.\(format.fileExtension)")
        try AudioFile.write(
            samples: tone(frames: 16_000, sampleRate: 16_000), sampleRate: 16_000, to: path,
            format: format)
        let bytes = fileBytes(path)
        try replaceFile(path, with: bytes.prefix(bytes.count / 2))
        try expectUnreadable(path)
    }

    private func expectUnreadable(_ path: String) throws {
        let error: AudioError
        do {
            let audio = try AudioFile.read(path)
            Issue.record("read \(audio.frameCount) frames from a broken file")
            return
        } catch let thrown {
            error = thrown
        }
        guard case let .unreadableFile(reportedPath, reason) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(!reason.isEmpty)
        #expect("\(error)" == "cannot read \"\(path)\": \(reason)")
    }

    @Test func downmixingAveragesTheChannels() {
        let stereo = AudioData(samples: [1, 0, 0.5, -0.5, -1, -1], sampleRate: 8_000, channels: 2)
        #expect(stereo.monoSamples() == [0.5, 0, -1])
        let mono = stereo.downmixedToMono()
        #expect(mono.channels == 1)
        #expect(mono.sampleRate == 8_000)
        #expect(mono.frameCount == 3)
        #expect(AudioData(samples: [0.3, 0.4], sampleRate: 8_000).monoSamples() == [0.3, 0.4])
    }
}

func correlation(_ a: [Float], _ b: [Float]) -> Double {
    let count = min(a.count, b.count)
    var ab = 0.0, aa = 0.0, bb = 0.0
    for index in 0..<count {
        ab += Double(a[index]) * Double(b[index])
        aa += Double(a[index]) * Double(a[index])
        bb += Double(b[index]) * Double(b[index])
    }
    return ab / (aa * bb).squareRoot()
}
