/// An engine that can decode several requests together: each step advances every active request
/// with one pass over the weights, so where decoding is bound by memory bandwidth (an
/// autoregressive model reading its weights once per generated frame) N requests cost little
/// more than one. Requests join and leave between steps (continuous batching).
///
/// A lane that holds such an engine runs its queued requests through one batch instead of one
/// after another; `synthesize` still runs a single request alone.
public protocol BatchingSpeechEngine: SpeechEngine {
    /// The most requests one batch advances together.
    var maxBatchSize: Int { get }
    /// An empty batch. Batches of one engine are used one at a time, from one thread.
    func makeBatch() -> any SynthesisBatch
}

/// Requests decoding together on one engine. Used from one thread only (the lane's).
public protocol SynthesisBatch: AnyObject {
    /// Requests that have joined and not yet ended.
    var activeCount: Int { get }

    /// Adds `request` (its prompt is read now). Bad input throws a `SottoError` and nothing
    /// joins. Once joined, the request hands its audio to `onChunk` as steps produce it and ends
    /// with exactly one call of `onEnd`: its summary, or the error that ended it
    /// (`SynthesisCancelled` when `cancellation` was set). Both run on the batch's thread.
    func join(_ request: SynthesisRequest, cancellation: CancellationFlag,
              onChunk: @escaping (AudioChunk) -> Void,
              onEnd: @escaping (Result<SynthesisSummary, any Error>) -> Void) throws

    /// Advances every active request by one step; requests that end during it call `onEnd` and
    /// leave the batch.
    func step()
}
