import CSndfile
import Glibc

/// Writes audio as it is made, chunk by chunk, to an ``OutputTarget``.
///
/// What is on disk at every moment, and so what a crash or `kill -9` leaves:
/// - Regular file: the audio goes to a hidden temporary file beside it (`.NAME.partial-XXXXXX`),
///   renamed over the destination by ``finish()``. The destination keeps its previous content
///   until then. A WAV temporary file has its header rewritten after every chunk, so after a
///   `kill -9` it is a valid WAV file holding every chunk written so far (FLAC and Ogg files are
///   readable up to their last complete frame, with their length unknown).
/// - Stream (FIFO, device, standard output): bytes go straight to it as chunks arrive. A WAV
///   stream cannot be rewound, so its header says "length unknown" (0xFFFFFFFF), as streaming
///   writers do; readers then read to the end.
///
/// ``discard()`` removes the temporary file and leaves the destination as it was.
public final class AudioFileWriter {
    public let target: OutputTarget
    public let format: AudioFileFormat
    public let sampleRate: Int
    public let channels: Int
    /// Frames accepted by ``append(_:)`` so far.
    public private(set) var framesWritten = 0

    private var temporary: TemporaryFile?
    private var sndfile: OpaquePointer?
    private var streamDescriptor: Int32 = -1
    private var ownsStreamDescriptor = false
    private var isClosed = false

    /// Opens `target` for `format`: creates the temporary file, or opens the stream and writes
    /// the header.
    public init(target: OutputTarget, format: AudioFileFormat, sampleRate: Int, channels: Int = 1) throws(AudioError) {
        self.target = target
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        guard sampleRate > 0 else { throw .invalidAudio("sample rate \(sampleRate) Hz is not positive") }
        guard channels > 0 else { throw .invalidAudio("\(channels) channels") }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw .invalidAudio("\(format.rawValue) cannot hold \(channels) channels at \(sampleRate) Hz")
        }
        switch target {
        case .regularFile(let path):
            let file = try TemporaryFile(besides: path)
            temporary = file
            guard let handle = sf_open_fd(file.descriptor, Int32(SFM_WRITE), &info, 0) else {
                file.discard()
                throw .unwritableFile(path: path, reason: sndfileError(nil))
            }
            sndfile = handle
            configure(handle)
        case .stream(let path):
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { throw .unwritableFile(path: path, reason: systemError(errno)) }
            streamDescriptor = descriptor
            ownsStreamDescriptor = true
            try withoutBrokenPipeSignal { () throws(AudioError) in try openStream(info: &info) }
        case .standardOutput:
            guard fcntl(STDOUT_FILENO, F_GETFL) >= 0 else {
                throw .unwritableFile(path: target.path, reason: "standard output is closed")
            }
            streamDescriptor = STDOUT_FILENO
            try withoutBrokenPipeSignal { () throws(AudioError) in try openStream(info: &info) }
        }
    }

    /// Runs `body` with SIGPIPE blocked on this thread, so that a stream whose reader went away
    /// fails the write with EPIPE instead of killing the process; a SIGPIPE raised meanwhile is
    /// consumed before the signal mask is restored.
    private func withoutBrokenPipeSignal<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard temporary == nil else { return try body() }
        var pipe = sigset_t(), previous = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
                var none = timespec()
                _ = sigtimedwait(&pipe, nil, &none)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }

    /// Opens `path` by the rules of ``OutputTarget``.
    public convenience init(path: String, format: AudioFileFormat, sampleRate: Int, channels: Int = 1) throws(AudioError) {
        try self.init(target: try OutputTarget.resolve(path), format: format, sampleRate: sampleRate, channels: channels)
    }

    private func openStream(info: inout SF_INFO) throws(AudioError) {
        if format == .wav16 || format == .wavFloat {
            // libsndfile refuses to write WAV where it cannot seek back to the header.
            try writeStream(StreamingWAVHeader.bytes(format: format, sampleRate: sampleRate, channels: channels))
            return
        }
        guard let handle = sf_open_fd(streamDescriptor, Int32(SFM_WRITE), &info, 0) else {
            let reason = sndfileError(nil)
            closeStream()
            throw .unwritableFile(path: target.path, reason: reason)
        }
        sndfile = handle
        configure(handle)
    }

    private func configure(_ handle: OpaquePointer) {
        if format == .oggVorbis {
            // libsndfile's scale: 0 is the best quality, 1 the smallest file.
            var compression = 0.4
            sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &compression, Int32(MemoryLayout<Double>.size))
        }
        // Rewrite a WAV header after every write, so the file on disk is always whole.
        if format == .wav16 || format == .wavFloat {
            sf_command(handle, Int32(SFC_SET_UPDATE_HEADER_AUTO), nil, Int32(SF_TRUE))
        }
    }

    /// Writes mono or interleaved samples (a whole number of frames).
    public func append(_ samples: [Float]) throws(AudioError) {
        try withoutBrokenPipeSignal { () throws(AudioError) in try appendFrames(samples) }
    }

    private func appendFrames(_ samples: [Float]) throws(AudioError) {
        guard !isClosed else { throw .unwritableFile(path: target.path, reason: "the file is already closed") }
        guard samples.count % channels == 0 else {
            throw .invalidAudio("\(samples.count) samples do not make whole frames of \(channels) channels")
        }
        let frames = samples.count / channels
        guard frames > 0 else { return }
        if let sndfile {
            let written: sf_count_t
            if format.storesInt16 {
                let integers = SampleConversion.int16(samples)
                written = integers.withUnsafeBufferPointer { sf_writef_short(sndfile, $0.baseAddress, sf_count_t(frames)) }
            } else {
                written = samples.withUnsafeBufferPointer { sf_writef_float(sndfile, $0.baseAddress, sf_count_t(frames)) }
            }
            guard written == sf_count_t(frames) else {
                throw .unwritableFile(path: target.path, reason: sndfileError(sndfile))
            }
        } else if format.storesInt16 {
            try writeStream(SampleConversion.int16(samples).map { $0.littleEndian })
        } else {
            try writeStream(samples.map { $0.bitPattern.littleEndian })
        }
        framesWritten += frames
    }

    /// Completes the file: closes the encoder and, for a regular file, flushes the temporary
    /// file to disk and renames it over the destination.
    public func finish() throws(AudioError) {
        guard !isClosed else { return }
        isClosed = true
        let closeError = withoutBrokenPipeSignal { closeEncoder() }
        if let temporary {
            if let closeError {
                temporary.discard()
                throw .unwritableFile(path: target.path, reason: closeError)
            }
            try temporary.commit()
        } else {
            let closed = closeStream()
            if let reason = closeError ?? closed { throw .unwritableFile(path: target.path, reason: reason) }
        }
    }

    /// Gives up: removes the temporary file (the destination is untouched) or closes the stream.
    public func discard() {
        guard !isClosed else { return }
        isClosed = true
        _ = closeEncoder()
        temporary?.discard()
        _ = closeStream()
    }

    /// The hidden file holding the audio until ``finish()``; nil for streams.
    public var temporaryPath: String? { temporary?.temporaryPath }

    private func closeEncoder() -> String? {
        guard let handle = sndfile else { return nil }
        sndfile = nil
        let status = sf_close(handle)
        return status == 0 ? nil : String(cString: sf_error_number(status))
    }

    @discardableResult
    private func closeStream() -> String? {
        guard streamDescriptor >= 0 else { return nil }
        defer { streamDescriptor = -1 }
        guard ownsStreamDescriptor else { return nil }
        return close(streamDescriptor) == 0 ? nil : systemError(errno)
    }

    /// Writes the bytes of `values` (already little-endian) to the stream, all of them.
    private func writeStream<Value>(_ values: [Value]) throws(AudioError) {
        let failure: Int32? = values.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = write(streamDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
        if let failure { throw .unwritableFile(path: target.path, reason: systemError(failure)) }
    }

    deinit { discard() }
}

/// The 44-byte header of a WAV stream of unknown length.
enum StreamingWAVHeader {
    static let unknownSize: UInt32 = 0xFFFF_FFFF

    static func bytes(format: AudioFileFormat, sampleRate: Int, channels: Int) -> [UInt8] {
        let isFloat = format == .wavFloat
        let bytesPerSample = isFloat ? 4 : 2
        var header: [UInt8] = []
        func tag(_ text: String) { header += Array(text.utf8) }
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header += $0 } }
        func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { header += $0 } }
        tag("RIFF"); u32(unknownSize); tag("WAVE")
        tag("fmt "); u32(16)
        u16(isFloat ? 3 : 1)  // WAVE_FORMAT_IEEE_FLOAT or WAVE_FORMAT_PCM
        u16(UInt16(channels))
        u32(UInt32(sampleRate))
        u32(UInt32(sampleRate * channels * bytesPerSample))
        u16(UInt16(channels * bytesPerSample))
        u16(UInt16(bytesPerSample * 8))
        tag("data"); u32(unknownSize)
        return header
    }
}
