import CSndfile
import Glibc

/// Reading and writing audio files through libsndfile.
public enum AudioFile {
    /// Writes `audio` to `path` in `format`, or in the format the extension names.
    ///
    /// The file appears whole or not at all: the audio goes to a hidden temporary file in the same
    /// folder, which is flushed to disk and then renamed over `path`. A crash mid-write leaves at
    /// most that temporary file, never a truncated `path`.
    public static func write(
        _ audio: AudioData, to path: String, format: AudioFileFormat? = nil
    ) throws(AudioError) {
        guard let format = format ?? AudioFileFormat(path: path) else {
            throw .unknownFileFormat(path: path)
        }
        guard audio.sampleRate > 0 else {
            throw .invalidAudio("sample rate \(audio.sampleRate) Hz is not positive")
        }
        guard audio.channels > 0, audio.samples.count % audio.channels == 0 else {
            throw .invalidAudio(
                "\(audio.samples.count) samples do not make whole frames of \(audio.channels) channels")
        }
        var info = SF_INFO()
        info.samplerate = Int32(audio.sampleRate)
        info.channels = Int32(audio.channels)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw .invalidAudio(
                "\(format.rawValue) cannot hold \(audio.channels) channels at \(audio.sampleRate) Hz")
        }

        let temporary = try TemporaryFile(besides: path)
        do {
            try encode(audio, format: format, info: &info, into: temporary)
            try temporary.commit()
        } catch {
            temporary.discard()
            throw error
        }
    }

    /// Writes mono or interleaved samples; see `write(_:to:format:)`.
    public static func write(
        samples: [Float], sampleRate: Int, channels: Int = 1, to path: String,
        format: AudioFileFormat? = nil
    ) throws(AudioError) {
        try write(
            AudioData(samples: samples, sampleRate: sampleRate, channels: channels), to: path,
            format: format)
    }

    private static func encode(
        _ audio: AudioData, format: AudioFileFormat, info: inout SF_INFO, into file: TemporaryFile
    ) throws(AudioError) {
        guard let sndfile = sf_open_fd(file.descriptor, Int32(SFM_WRITE), &info, 0) else {
            throw .unwritableFile(path: file.finalPath, reason: sndfileError(nil))
        }
        if format == .oggVorbis {
            // libsndfile's scale: 0 is the best quality, 1 the smallest file.
            var compression = 0.4
            sf_command(
                sndfile, Int32(SFC_SET_COMPRESSION_LEVEL), &compression,
                Int32(MemoryLayout<Double>.size))
        }
        let frames = sf_count_t(audio.frameCount)
        let written: sf_count_t
        if format.storesInt16 {
            let integers = SampleConversion.int16(audio.samples)
            written = integers.withUnsafeBufferPointer { sf_writef_short(sndfile, $0.baseAddress, frames) }
        } else {
            written = audio.samples.withUnsafeBufferPointer {
                sf_writef_float(sndfile, $0.baseAddress, frames)
            }
        }
        let writeError = written == frames ? nil : sndfileError(sndfile)
        let closeStatus = sf_close(sndfile)
        if let writeError {
            throw .unwritableFile(path: file.finalPath, reason: writeError)
        }
        guard closeStatus == 0 else {
            throw .unwritableFile(
                path: file.finalPath, reason: String(cString: sf_error_number(closeStatus)))
        }
    }

    /// Reads any file libsndfile decodes (WAV, FLAC, Ogg Vorbis, AIFF, …) as float samples.
    /// 16-bit files come back as `sample / 32767`, the inverse of what Sotto writes.
    /// Missing, unrecognised, malformed and cut-off files are errors, never partial audio.
    public static func read(_ path: String) throws(AudioError) -> AudioData {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadableFile(path: path, reason: systemError(code))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw .unreadableFile(path: path, reason: "it is a folder")
        }
        var info = SF_INFO()
        guard let sndfile = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unreadableFile(path: path, reason: sndfileError(nil))
        }
        defer { sf_close(sndfile) }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw .unreadableFile(path: path, reason: "the file declares no channels or sample rate")
        }

        var samples: [Float] = []
        if info.frames > 0 { samples.reserveCapacity(Int(info.frames) * channels) }
        let chunkFrames = 16_384
        let isInt16 = info.format & Int32(SF_FORMAT_SUBMASK) == Int32(SF_FORMAT_PCM_16)
        if isInt16 {
            var chunk = [Int16](repeating: 0, count: chunkFrames * channels)
            while true {
                let count = Int(sf_readf_short(sndfile, &chunk, sf_count_t(chunkFrames)))
                guard count > 0 else { break }
                samples.append(contentsOf: chunk[0..<(count * channels)].lazy.map(SampleConversion.float))
            }
        } else {
            var chunk = [Float](repeating: 0, count: chunkFrames * channels)
            while true {
                let count = Int(sf_readf_float(sndfile, &chunk, sf_count_t(chunkFrames)))
                guard count > 0 else { break }
                samples.append(contentsOf: chunk[0..<(count * channels)])
            }
        }
        if sf_error(sndfile) != 0 {
            throw .unreadableFile(path: path, reason: sndfileError(sndfile))
        }
        let decodedFrames = samples.count / channels
        if info.frames > 0 && decodedFrames < Int(info.frames) {
            throw .unreadableFile(
                path: path,
                reason: "the file ends early: \(decodedFrames) of \(info.frames) frames could be decoded")
        }
        if let (promised, present) = wavDataShortfall(path: path) {
            throw .unreadableFile(
                path: path,
                reason: "the file is cut short: its header promises \(promised) bytes of audio, "
                    + "only \(present) are there")
        }
        return AudioData(samples: samples, sampleRate: Int(info.samplerate), channels: channels)
    }
}

/// libsndfile's message for the last error on `sndfile` (or of the last failed open, for nil).
func sndfileError(_ sndfile: OpaquePointer?) -> String {
    String(cString: sf_strerror(sndfile)).trimmingTrailingWhitespace()
}

func systemError(_ code: Int32) -> String {
    String(cString: strerror(code))
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
