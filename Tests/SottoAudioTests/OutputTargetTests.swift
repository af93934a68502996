import Foundation
import Glibc
import SottoAudio
import Testing

/// Where `AudioFile.write` and `AudioFileWriter` put audio: regular files replaced atomically,
/// symbolic links followed, FIFOs and devices written in place and never replaced.
@Suite struct OutputTargetTests {
    let tone = (0..<2_000).map { Float(sin(Double($0) * 0.05)) * 0.5 }

    private func kind(_ path: String, follow: Bool = false) -> mode_t {
        var status = stat()
        let result = follow ? stat(path, &status) : lstat(path, &status)
        return result == 0 ? status.st_mode & S_IFMT : 0
    }

    @Test func aRegularFileIsReplacedKeepingItsPermissions() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("take.wav")
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
        chmod(path, 0o640)
        #expect(try OutputTarget.resolve(path) == .regularFile(path: path))
        try AudioFile.write(samples: tone, sampleRate: 16_000, to: path)
        #expect(try AudioFile.read(path).frameCount == tone.count)
        var status = stat()
        stat(path, &status)
        #expect(status.st_mode & 0o7777 == 0o640)
        #expect(folder.contents == ["take.wav"], "a temporary file was left: \(folder.contents)")
    }

    @Test func aSymbolicLinkIsFollowedAndStaysALink() throws {
        let folder = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.file("real"), withIntermediateDirectories: true)
        let target = folder.file("real/take.wav")
        FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        symlink("real/take.wav", folder.file("link.wav"))        // relative target
        symlink(folder.file("link.wav"), folder.file("link2.wav")) // a link to the link
        #expect(try OutputTarget.resolve(folder.file("link2.wav")) == .regularFile(path: folder.file("real/take.wav")))
        try AudioFile.write(samples: tone, sampleRate: 16_000, to: folder.file("link2.wav"))
        #expect(kind(folder.file("link.wav")) == S_IFLNK && kind(folder.file("link2.wav")) == S_IFLNK)
        #expect(try AudioFile.read(target).frameCount == tone.count)
        // A dangling link creates its target.
        symlink("real/new.flac", folder.file("dangling.flac"))
        try AudioFile.write(samples: tone, sampleRate: 16_000, to: folder.file("dangling.flac"))
        #expect(kind(folder.file("dangling.flac")) == S_IFLNK)
        #expect(try AudioFile.read(folder.file("real/new.flac")).frameCount == tone.count)
    }

    @Test func aLinkLoopAndAFolderAreClearErrors() throws {
        let folder = TemporaryDirectory()
        symlink(folder.file("b.wav"), folder.file("a.wav"))
        symlink(folder.file("a.wav"), folder.file("b.wav"))
        #expect(throws: AudioError.unwritableFile(path: folder.file("a.wav"), reason: "too many levels of symbolic links")) {
            try AudioFile.write(samples: tone, sampleRate: 16_000, to: folder.file("a.wav"))
        }
        #expect(throws: AudioError.unwritableFile(path: folder.path, reason: "it is a folder")) {
            try AudioFile.write(samples: tone, sampleRate: 16_000, to: folder.path, format: .wav16)
        }
        #expect(throws: AudioError.self) {
            try AudioFile.write(samples: tone, sampleRate: 16_000, to: folder.file("no-folder/x.wav"))
        }
    }

    /// A FIFO's reader gets the whole file, in every format; the FIFO stays a FIFO.
    @Test(arguments: [AudioFileFormat.wav16, .wavFloat, .flac16, .oggVorbis])
    func aFIFOIsWrittenAsAStream(format: AudioFileFormat) throws {
        let folder = TemporaryDirectory()
        let fifo = folder.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try OutputTarget.resolve(fifo) == .stream(path: fifo))
        let copy = folder.file("copy.\(format.fileExtension)")
        let reader = Thread { try? FileHandle(forReadingAtPath: fifo)?.readToEnd()?.write(to: URL(fileURLWithPath: copy)) }
        reader.start()
        try AudioFile.write(samples: tone, sampleRate: 16_000, to: fifo, format: format)
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(kind(fifo) == S_IFIFO)
        let audio = try AudioFile.read(copy)
        #expect(audio.sampleRate == 16_000)
        #expect(format == .oggVorbis ? abs(audio.frameCount - tone.count) < 2_000 : audio.frameCount == tone.count)
        if format != .oggVorbis { #expect(zip(audio.samples, tone).allSatisfy { abs($0 - $1) < 1e-4 }) }
    }

    /// A device is written, never replaced: /dev/null takes the audio, /dev/full says it is full.
    @Test func devicesAreWrittenInPlace() throws {
        #expect(try OutputTarget.resolve("/dev/null") == .stream(path: "/dev/null"))
        try AudioFile.write(samples: tone, sampleRate: 16_000, to: "/dev/null", format: .wav16)
        #expect(kind("/dev/null") == S_IFCHR)
        #expect(throws: AudioError.unwritableFile(path: "/dev/full", reason: "No space left on device")) {
            try AudioFile.write(samples: tone, sampleRate: 16_000, to: "/dev/full", format: .wav16)
        }
        for format in AudioFileFormat.allCases {
            do {
                try AudioFile.write(samples: tone, sampleRate: 16_000, to: "/dev/full", format: format)
                Issue.record("\(format) to /dev/full did not fail")
            } catch {
                #expect("\(error)".hasPrefix("cannot write \"/dev/full\""), "\(error)")
            }
        }
        #expect(kind("/dev/full") == S_IFCHR)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// While a take is being written, the temporary file is always a valid WAV of every chunk
    /// written so far: what a `kill -9` would leave.
    /// A FIFO whose reader leaves early fails the write; it does not kill the process (SIGPIPE).
    @Test func aReaderThatLeavesIsAnError() throws {
        let folder = TemporaryDirectory()
        let fifo = folder.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Thread { try? FileHandle(forReadingAtPath: fifo)?.close() }
        reader.start()
        // The header may already meet the closed pipe, or the first chunk does.
        #expect(throws: AudioError.unwritableFile(path: fifo, reason: "Broken pipe")) {
            let writer = try AudioFileWriter(path: fifo, format: .wav16, sampleRate: 16_000)
            while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
            try writer.append(tone)
        }
    }

    @Test func theTemporaryWAVIsValidAfterEveryChunk() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("growing.wav")
        let writer = try AudioFileWriter(path: path, format: .wav16, sampleRate: 16_000)
        let temporary = try #require(writer.temporaryPath)
        #expect(!FileManager.default.fileExists(atPath: path))
        for chunk in 1...3 {
            try writer.append(tone)
            let partial = try AudioFile.read(temporary)
            #expect(partial.frameCount == chunk * tone.count)
        }
        writer.discard()
        #expect(folder.contents.isEmpty)
    }
}
