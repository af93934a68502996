import CSndfile
import Glibc

/// Reading and writing audio files through libsndfile.
public enum AudioFile {
    /// Writes `audio` to `path` in `format`, or in the format the extension names, by the rules
    /// of ``OutputTarget``: a regular file (or a symbolic link's target) appears whole or not at
    /// all (the audio goes to a hidden temporary file in the same folder, which is flushed to disk
    /// and renamed over it, so a crash mid-write leaves at most that temporary file); a FIFO or a
    /// device is written directly and never replaced.
    public static func write(
        _ audio: AudioData, to path: String, format: AudioFileFormat? = nil
    ) throws(AudioError) {
        guard let format = format ?? AudioFileFormat(path: path) else {
            throw .unknownFileFormat(path: path)
        }
        guard audio.channels > 0, audio.samples.count % audio.channels == 0 else {
            throw .invalidAudio(
                "\(audio.samples.count) samples do not make whole frames of \(audio.channels) channels")
        }
        let writer = try AudioFileWriter(path: path, format: format, sampleRate: audio.sampleRate, channels: audio.channels)
        do {
            try writer.append(audio.samples)
            try writer.finish()
        } catch {
            writer.discard()
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

        // A file written to a stream (FLAC, Ogg) may not know its length: libsndfile reports the
        // largest count then.
        let knownFrames = info.frames > 0 && info.frames < Int64(Int32.max) ? Int(info.frames) : nil
        var samples: [Float] = []
        if let knownFrames { samples.reserveCapacity(knownFrames * channels) }
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
        if let knownFrames, decodedFrames < knownFrames {
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
