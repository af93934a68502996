/// Converts audio from one sample rate to another with a band-limited (windowed-sinc) filter,
/// for any pair of integer rates, e.g. 22050 → 24000, 24000 → 16000 or 22050 → 48000.
///
/// Output frame j sits at input position j × in / out, so the first output frame is aligned with
/// the first input frame; the signal outside the input is taken as silence. Converting a whole
/// signal gives round(n × out / in) frames. Equal rates return the input untouched.
public struct Resampler: Sendable {
    public let inputRate: Int
    public let outputRate: Int
    let filter: ResamplingFilter?

    public init(from inputRate: Int, to outputRate: Int) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        filter = inputRate == outputRate
            ? nil : ResamplingFilter(inputRate: inputRate, outputRate: outputRate)
    }

    /// round(inputLength × out / in), with halves rounded up.
    public static func outputLength(forInputLength inputLength: Int, from inputRate: Int, to outputRate: Int)
        -> Int
    {
        (2 * inputLength * outputRate + inputRate) / (2 * inputRate)
    }

    /// Resamples a whole mono signal.
    public func resample(_ samples: [Float]) -> [Float] {
        guard filter != nil else { return samples }
        var stream = makeStream()
        var output = stream.process(samples)
        output += stream.finish()
        return output
    }

    /// Resamples every channel of `audio`, which must be at `inputRate`.
    public func resample(_ audio: AudioData) -> AudioData {
        precondition(audio.sampleRate == inputRate, "audio is at \(audio.sampleRate) Hz, not \(inputRate) Hz")
        guard filter != nil else { return AudioData(samples: audio.samples, sampleRate: outputRate, channels: audio.channels) }
        let channels = audio.channels
        guard channels > 1 else {
            return AudioData(samples: resample(audio.samples), sampleRate: outputRate, channels: 1)
        }
        let frames = audio.frameCount
        var interleaved: [Float] = []
        for channel in 0..<channels {
            let input = (0..<frames).map { audio.samples[$0 * channels + channel] }
            let output = resample(input)
            if interleaved.isEmpty {
                interleaved = [Float](repeating: 0, count: output.count * channels)
            }
            for (frame, sample) in output.enumerated() {
                interleaved[frame * channels + channel] = sample
            }
        }
        return AudioData(samples: interleaved, sampleRate: outputRate, channels: channels)
    }

    /// A stateful converter for audio that arrives in pieces, e.g. from streaming synthesis.
    /// Feeding it any split of a signal and then calling `finish()` yields exactly what
    /// `resample(_:)` yields for the whole signal.
    public func makeStream() -> ResamplingStream {
        ResamplingStream(filter: filter)
    }

    /// Resamples a mono signal in one call.
    public static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        Resampler(from: inputRate, to: outputRate).resample(samples)
    }
}

/// Mono streaming conversion; see `Resampler.makeStream()`.
public struct ResamplingStream: Sendable {
    private let filter: ResamplingFilter?
    /// Input not yet fully used, starting at absolute input index `historyStart`. Positions before
    /// the signal are held as zeros so every output sees a full set of taps.
    private var history: [Float]
    private var historyStart: Int
    private var received = 0
    private var nextOutput = 0
    private var isFinished = false

    init(filter: ResamplingFilter?) {
        self.filter = filter
        let lead = (filter?.halfLength ?? 1) - 1
        history = [Float](repeating: 0, count: lead)
        historyStart = -lead
    }

    /// Converts the next piece of input; returns every output frame that no longer depends on
    /// input still to come (the rest follows with later pieces or `finish()`).
    public mutating func process(_ samples: [Float]) -> [Float] {
        precondition(!isFinished, "process(_:) after finish()")
        guard let filter else { return samples }
        history += samples
        received += samples.count
        // Output j needs inputs up to base(j) + halfLength, which must all have arrived.
        let output = produce(filter: filter, limit: Int.max, available: received)
        discardUsedHistory(filter: filter)
        return output
    }

    /// Treats the signal as ended and returns the remaining output frames.
    public mutating func finish() -> [Float] {
        precondition(!isFinished, "finish() called twice")
        isFinished = true
        guard let filter else { return [] }
        let total = filter.outputLength(forInputLength: received)
        guard total > nextOutput else { return [] }
        let lastBase = (total - 1) * filter.step / filter.interpolation
        let needed = lastBase + filter.halfLength + 1 - (historyStart + history.count)
        if needed > 0 { history += [Float](repeating: 0, count: needed) }
        return produce(filter: filter, limit: total, available: historyStart + history.count)
    }

    private mutating func produce(filter: ResamplingFilter, limit: Int, available: Int) -> [Float] {
        let interpolation = filter.interpolation
        let step = filter.step
        let half = filter.halfLength
        let width = 2 * half
        var output: [Float] = []
        history.withUnsafeBufferPointer { input in
            filter.coefficients.withUnsafeBufferPointer { table in
                var j = nextOutput
                while j < limit {
                    let position = j * step
                    let base = position / interpolation
                    guard base + half < available else { break }
                    let first = base - (half - 1) - historyStart
                    let window = UnsafeBufferPointer(rebasing: input[first..<(first + width)])
                    let remainder = position - base * interpolation
                    if filter.isExact {
                        output.append(dot(window, table, row: remainder, width: width))
                    } else {
                        let place = Double(remainder) / Double(interpolation) * Double(filter.phaseCount)
                        let row = Int(place)
                        let weight = Float(place - Double(row))
                        let lower = dot(window, table, row: row, width: width)
                        let upper = dot(window, table, row: row + 1, width: width)
                        output.append(lower + weight * (upper - lower))
                    }
                    j += 1
                }
                nextOutput = j
            }
        }
        return output
    }

    /// Drops input that no future output reaches back to.
    private mutating func discardUsedHistory(filter: ResamplingFilter) {
        let nextBase = nextOutput * filter.step / filter.interpolation
        let oldestNeeded = nextBase - (filter.halfLength - 1)
        let unused = min(oldestNeeded - historyStart, history.count)
        if unused > 0 {
            history.removeFirst(unused)
            historyStart += unused
        }
    }
}

private func dot(
    _ window: UnsafeBufferPointer<Float>, _ table: UnsafeBufferPointer<Float>, row: Int, width: Int
) -> Float {
    let coefficients = table.baseAddress! + row * width
    let samples = window.baseAddress!
    var sum: Float = 0
    for index in 0..<width {
        sum += samples[index] * coefficients[index]
    }
    return sum
}
