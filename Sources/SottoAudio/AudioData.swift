/// Decoded audio: float samples (interleaved when there are several channels) and their rate.
public struct AudioData: Sendable, Equatable {
    public var samples: [Float]
    public var sampleRate: Int
    public var channels: Int

    public init(samples: [Float], sampleRate: Int, channels: Int = 1) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }

    /// Length in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// One channel, the average of all channels (a plain average, so a signal present in only one
    /// channel of a stereo file comes out at half level rather than clipping when both are full).
    public func monoSamples() -> [Float] {
        guard channels > 1 else { return samples }
        let scale = 1 / Float(channels)
        var mono = [Float](repeating: 0, count: frameCount)
        samples.withUnsafeBufferPointer { source in
            for frame in 0..<mono.count {
                var sum: Float = 0
                for channel in 0..<channels { sum += source[frame * channels + channel] }
                mono[frame] = sum * scale
            }
        }
        return mono
    }

    public func downmixedToMono() -> AudioData {
        AudioData(samples: monoSamples(), sampleRate: sampleRate, channels: 1)
    }
}
