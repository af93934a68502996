import SottoCore

/// What a lane reports about one request, in order: `preparing`, then (once the engine is
/// loaded) `started`, any number of `chunk`s, and always exactly one `finished` last.
public enum SynthesisEvent: Sendable {
    /// The request left the queue; the lane loads the model first if it must.
    case preparing(at: Double)
    case started(SynthesisStart)
    case chunk(TimedChunk)
    case finished(SynthesisEnd)
}
