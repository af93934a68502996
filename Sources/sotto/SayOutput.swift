import Foundation
import Glibc
import SottoAudio
import SottoCore

/// The audio file `sotto say -o` writes, growing on disk chunk by chunk as the engine makes it.
///
/// `-o -` is standard output; any other path follows ``OutputTarget``'s rules (regular files
/// replaced atomically, symbolic links followed, FIFOs and devices written as streams). A
/// regular file's audio grows in a hidden temporary file beside it whose WAV header is rewritten
/// after every chunk: a stop (Ctrl-C, SIGTERM, SIGHUP) renames what was made into place, an
/// error removes it, and a `kill -9` leaves it behind as a valid WAV of every chunk made so far,
/// with the destination untouched.
final class SayOutput {
    let path: String
    private let writer: AudioFileWriter

    /// The format `-o PATH` asks for: `--format`, else the extension, else WAV for `-o -`.
    static func format(path: String, flag: AudioFileFormat?) throws -> AudioFileFormat {
        if let flag { return flag }
        if path == "-" { return .wav16 }
        guard let inferred = AudioFileFormat(path: path) else { throw AudioError.unknownFileFormat(path: path) }
        return inferred
    }

    init(path: String, format: AudioFileFormat, sampleRate: Int) throws {
        self.path = path
        let target = path == "-" ? OutputTarget.standardOutput : try OutputTarget.resolve(path)
        writer = try AudioFileWriter(target: target, format: format, sampleRate: sampleRate)
    }

    /// Runs `body` (the synthesis) so that an exit for lack of memory removes `file`'s temporary
    /// file, leaving the destination as it was.
    static func removingOnFailureExit<T>(_ file: SayOutput?, _ body: () throws -> T) rethrows -> T {
        guard let temporary = file?.writer.temporaryPath else { return try body() }
        return try FailureExit.whileRunning(cleanup: { unlink(temporary) }, body)
    }

    func append(_ samples: [Float]) throws { try writer.append(samples) }

    func finish() throws { try writer.finish() }

    func discard() { writer.discard() }

    /// Synthesis stopped early: keeps what was made (if anything) and says where it is.
    func keepInterrupted() throws -> SottoError {
        guard writer.framesWritten > 0 else {
            writer.discard()
            return SottoError("stopped")
        }
        try writer.finish()
        let seconds = String(format: "%.2f", Double(writer.framesWritten) / Double(writer.sampleRate))
        return SottoError("stopped; the first \(seconds) s are in \(path == "-" ? "standard output" : path)")
    }
}
