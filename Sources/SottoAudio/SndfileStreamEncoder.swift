import CSndfile
import Glibc

/// FLAC, MP3 and Opus through libsndfile, written into memory instead of a file: libsndfile's
/// virtual I/O hands each encoded block to this object, and `encode` returns what arrived. The
/// stream cannot be rewound, so encoders that would go back to patch a header at the end (FLAC's
/// total length) are refused the seek and leave the length unknown, which their readers accept.
final class SndfileStreamEncoder: AudioStreamEncoder {
    let outputRate: Int
    private var handle: OpaquePointer?
    private var sink = ByteSink()
    private var resampler: ResamplingStream?
    private var io = SF_VIRTUAL_IO()

    /// Bytes libsndfile has written; a class so the C callbacks reach it through a pointer.
    final class ByteSink {
        var pending: [UInt8] = []
        var written: Int64 = 0
    }

    init(encoding: StreamEncoding, sampleRate: Int) throws(AudioError) {
        outputRate = encoding.outputRate(forModelRate: sampleRate)
        if outputRate != sampleRate { resampler = Resampler(from: sampleRate, to: outputRate).makeStream() }
        var info = SF_INFO()
        info.samplerate = Int32(outputRate)
        info.channels = 1
        switch encoding {
        case .flac: info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .mp3: info.format = Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        case .opus: info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
        case .wav, .pcm: throw .invalidAudio("\(encoding.rawValue) is not encoded by libsndfile")
        }
        guard sf_format_check(&info) != 0 else {
            throw .invalidAudio("this libsndfile cannot encode \(encoding.rawValue) at \(outputRate) Hz")
        }
        io.get_filelen = { user in Unmanaged<ByteSink>.fromOpaque(user!).takeUnretainedValue().written }
        io.tell = { user in Unmanaged<ByteSink>.fromOpaque(user!).takeUnretainedValue().written }
        io.read = { _, _, _ in 0 }
        io.write = { bytes, count, user in
            let sink = Unmanaged<ByteSink>.fromOpaque(user!).takeUnretainedValue()
            guard let bytes, count > 0 else { return 0 }
            sink.pending.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: Int(count)))
            sink.written += count
            return count
        }
        // Only "stay where you are" succeeds: the bytes already left.
        io.seek = { offset, whence, user in
            let sink = Unmanaged<ByteSink>.fromOpaque(user!).takeUnretainedValue()
            let target: Int64 = switch whence {
            case SEEK_CUR: sink.written + offset
            case SEEK_END: sink.written + offset
            default: offset
            }
            return target == sink.written ? sink.written : -1
        }
        let user = Unmanaged.passUnretained(sink).toOpaque()
        guard let opened = sf_open_virtual(&io, Int32(SFM_WRITE), &info, user) else {
            throw .invalidAudio("cannot start a \(encoding.rawValue) stream: \(String(cString: sf_strerror(nil)))")
        }
        handle = opened
        if encoding == .mp3 {
            // Constant bit rate: a variable-rate MP3 needs a header at its start that only a
            // seekable file can have filled in at the end, and without it decoders lose frames.
            // Level 0.5 is 80 kbit/s at 22–24 kHz, clean for speech.
            var level = 0.5
            var mode = Int32(SF_BITRATE_MODE_CONSTANT)
            sf_command(opened, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
            sf_command(opened, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
        }
        if encoding != .opus {
            // Scale floats to the full 16-bit range without wrapping out-of-range samples.
            sf_command(opened, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        }
    }

    deinit {
        if let handle { sf_close(handle) }
    }

    func start() -> [UInt8] { drain() }

    func encode(_ samples: [Float]) throws(AudioError) -> [UInt8] {
        guard let handle else { throw .invalidAudio("the stream is finished") }
        var input = samples
        if var stream = resampler {
            input = stream.process(samples)
            resampler = stream
        }
        if !input.isEmpty {
            let count = input.withUnsafeBufferPointer { sf_write_float(handle, $0.baseAddress, sf_count_t($0.count)) }
            guard count == input.count else { throw .invalidAudio("encoding failed: \(String(cString: sf_strerror(handle)))") }
        }
        return drain()
    }

    func finish() throws(AudioError) -> [UInt8] {
        guard let handle else { return [] }
        if var stream = resampler {
            let tail = stream.finish()
            resampler = nil
            if !tail.isEmpty {
                _ = tail.withUnsafeBufferPointer { sf_write_float(handle, $0.baseAddress, sf_count_t($0.count)) }
            }
        }
        sf_close(handle)
        self.handle = nil
        return drain()
    }

    private func drain() -> [UInt8] {
        defer { sink.pending.removeAll(keepingCapacity: true) }
        return sink.pending
    }
}
