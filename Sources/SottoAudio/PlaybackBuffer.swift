/// Audio that can still be growing while it plays: a synthesiser appends chunks from one thread
/// while a `Player` reads from another, and `finish()` marks that nothing more will come.
///
/// Samples are 32-bit floats, nominally in -1...1, interleaved when there is more than one channel.
/// Nothing is ever removed, so several players (say, take A and take B) can read the same buffer
/// at different positions.
public final class PlaybackBuffer: Sendable {
    public let sampleRate: Int
    public let channels: Int
    private let contents: Monitor<Contents>

    private struct Contents {
        var samples: [Float] = []
        var isFinished = false
    }

    /// An empty buffer for a producer to fill.
    public init(sampleRate: Int, channels: Int = 1) {
        precondition(sampleRate > 0, "sample rate must be positive")
        precondition(channels > 0, "channel count must be positive")
        self.sampleRate = sampleRate
        self.channels = channels
        contents = Monitor(Contents())
    }

    /// A buffer that already holds all of its audio.
    public convenience init(samples: [Float], sampleRate: Int, channels: Int = 1) {
        self.init(sampleRate: sampleRate, channels: channels)
        append(samples)
        finish()
    }

    /// Adds samples at the end. A frame split across two calls counts once both halves are in.
    /// Appending after `finish()` is a programming error and is ignored.
    public func append(_ samples: [Float]) {
        guard !samples.isEmpty else { return }
        contents.withLock { contents in
            guard !contents.isFinished else { return }
            contents.samples.append(contentsOf: samples)
        }
    }

    /// Declares that no more samples will be appended, so players can end instead of waiting.
    public func finish() {
        contents.withLock { $0.isFinished = true }
    }

    /// Whole frames appended so far.
    public var frameCount: Int {
        contents.withLock { $0.samples.count / channels }
    }

    public var isFinished: Bool {
        contents.withLock { $0.isFinished }
    }

    /// A copy of every whole frame appended so far.
    public func samples() -> [Float] {
        contents.withLock { contents in
            Array(contents.samples.prefix(contents.samples.count / channels * channels))
        }
    }

    /// Waits until `frameCount` reaches `frames` or the buffer is finished, for at most `timeout`
    /// (nil waits indefinitely). Returns the frame count at that moment.
    @discardableResult
    public func waitForFrames(_ frames: Int, timeout: Duration? = nil) -> Int {
        contents.wait(
            timeout: timeout,
            until: { $0.isFinished || $0.samples.count / self.channels >= frames },
            then: { $0.samples.count / self.channels })
    }

    enum ReadResult: Equatable {
        /// This many frames were copied to the front of the destination.
        case frames(Int)
        /// The buffer is finished and holds nothing at or after the position.
        case ended
        /// Nothing new arrived within the timeout; the producer is late.
        case pending
    }

    /// Copies up to `maxFrames` frames starting at frame `position` into `destination`, waiting at
    /// most `timeout` for the producer if there is nothing there yet.
    func read(
        from position: Int, maxFrames: Int, into destination: inout [Float], timeout: Duration
    ) -> ReadResult {
        let channels = self.channels
        return contents.wait(
            timeout: timeout,
            until: { $0.isFinished || $0.samples.count / channels > position },
            then: { contents in
                let available = contents.samples.count / channels - position
                guard available > 0 else { return contents.isFinished ? .ended : .pending }
                let frames = min(available, maxFrames)
                let start = position * channels
                destination.withUnsafeMutableBufferPointer { target in
                    contents.samples.withUnsafeBufferPointer { source in
                        for index in 0..<(frames * channels) {
                            target[index] = source[start + index]
                        }
                    }
                }
                return .frames(frames)
            })
    }
}
