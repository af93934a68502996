import Foundation
import SottoCore

/// The codec's state after an in-context clone's reference codes, kept for the next take of
/// the same voice. Every such take decodes after the reference (so that it continues the
/// reference's sound) and throws that audio away; a 3 s reference costs as much codec time as
/// 3 s of the take. Decoding it once per voice instead leaves each take exactly the samples it
/// had, since the take's frames then meet the same carried state.
final class ReferenceDecoding: @unchecked Sendable {
    private let lock = NSLock()
    private var reference: [[Int]] = []
    private var primed: CodecStream?

    /// A stream of `codec` that has decoded `reference`, for this take alone to continue.
    func stream(after reference: [[Int]], codec: CodecDecoder) throws -> CodecStream {
        lock.lock()
        defer { lock.unlock() }
        if let primed, reference == self.reference { return primed.copy() }
        let stream = codec.makeStream()
        _ = try codec.decodeNext(reference, stream: stream)
        self.reference = reference
        primed = stream.copy()
        return stream
    }
}

extension Qwen3Model {
    /// A codec stream that has decoded an in-context clone's `reference` codes, ready for the
    /// take's own frames (``CodecDecoder/decodeNext(_:stream:)``); the reference's decoding is
    /// done once per voice, not once per take.
    public func codecStream(after reference: [[Int]]) throws -> CodecStream {
        try referenceDecoding.stream(after: reference, codec: codec)
    }
}
