import Foundation
import SottoCore
import SottoRuntime
import Synchronization
import Testing

/// A counting engine whose requests decode together: each step gives every active request one
/// chunk holding the step's number, and a request ends after as many chunks as its text has
/// words. The log records which requests each step advanced.
final class CountingBatchEngine: BatchingSpeechEngine, @unchecked Sendable {
    let model: ModelDescriptor
    let maxBatchSize: Int
    let log = Mutex<[[String]]>([])
    /// Holds the first batch until opened, so that tests can queue requests behind its first.
    let gate = DispatchSemaphore(value: 0)

    init(model: ModelDescriptor, maxBatchSize: Int) {
        self.model = model
        self.maxBatchSize = maxBatchSize
    }

    var sampleRate: Int { 1000 }
    var capabilities: EngineCapabilities { [.streaming] }
    var voices: [VoiceInfo] { [] }
    var languages: [String] { [] }
    var defaultVoice: String? { nil }
    var residentBytes: Int { 0 }

    func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                    onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary {
        throw SottoError("a batching lane never calls synthesize")
    }

    func makeBatch() -> any SynthesisBatch {
        gate.wait()
        return Batch(engine: self)
    }

    final class Batch: SynthesisBatch {
        struct Stream {
            var text: String
            var remaining: Int
            var made = 0
            var cancellation: CancellationFlag
            var onChunk: (AudioChunk) -> Void
            var onEnd: (Result<SynthesisSummary, any Error>) -> Void
        }
        let engine: CountingBatchEngine
        var streams: [Stream] = []
        var steps = 0

        init(engine: CountingBatchEngine) { self.engine = engine }

        var activeCount: Int { streams.count }

        func join(_ request: SynthesisRequest, cancellation: CancellationFlag, onChunk: @escaping (AudioChunk) -> Void,
                  onEnd: @escaping (Result<SynthesisSummary, any Error>) -> Void) throws {
            let words = request.text.split(separator: " ").count
            guard !request.text.contains("refuse") else { throw SottoError("refused: \(request.text)") }
            streams.append(Stream(text: request.text, remaining: words, cancellation: cancellation, onChunk: onChunk, onEnd: onEnd))
        }

        func step() {
            steps += 1
            engine.log.withLock { $0.append(streams.map(\.text)) }
            var kept: [Stream] = []
            for var stream in streams {
                if stream.cancellation.isCancelled {
                    stream.onEnd(.failure(SynthesisCancelled()))
                    continue
                }
                stream.onChunk(AudioChunk(samples: [Float(steps)], sampleRate: 1000, index: stream.made, text: stream.text))
                stream.made += 1
                stream.remaining -= 1
                if stream.remaining == 0 {
                    stream.onEnd(.success(SynthesisSummary(notes: ["\(stream.made) chunks"])))
                } else {
                    kept.append(stream)
                }
            }
            streams = kept
        }
    }
}

struct CountingFamily: ModelFamily {
    let engine: CountingBatchEngine
    var kind: ModelKind { "counting" }
    var displayName: String { "Counting" }
    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine { engine }
}

/// Requests in a lane whose engine batches decode together, joining between steps.
@Suite struct LaneBatchingTests {
    static func lane(maxBatchSize: Int = 3, queueLimit: Int = 8) -> (ModelLane, CountingBatchEngine) {
        let model = ModelDescriptor(name: "c", kind: "counting", url: URL(fileURLWithPath: "/dev/null"), files: [],
                                    capabilities: [.streaming])
        let engine = CountingBatchEngine(model: model, maxBatchSize: maxBatchSize)
        let lane = ModelLane(model: model, families: ModelFamilies([CountingFamily(engine: engine)]), queueLimit: queueLimit)
        return (lane, engine)
    }

    /// Collects a request's events; `done` is signalled at its end.
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var chunks: [Float] = []
        var end: SynthesisEnd?
        let done = DispatchSemaphore(value: 0)
        /// Cancelled once this many chunks have come.
        var cancel: (after: Int, flag: CancellationFlag)?

        func handler() -> @Sendable (SynthesisEvent) -> Void {
            { event in
                self.lock.lock()
                defer { self.lock.unlock() }
                switch event {
                case .chunk(let chunk):
                    self.chunks += chunk.chunk.samples
                    if let cancel = self.cancel, self.chunks.count >= cancel.after { cancel.flag.cancel() }
                case .finished(let end): self.end = end; self.done.signal()
                default: break
                }
            }
        }
    }

    @Test func queuedRequestsDecodeTogetherAndLeaveWhenDone() throws {
        let (lane, engine) = Self.lane()
        defer { lane.shutdown() }
        let a = Collected(), b = Collected(), c = Collected(), d = Collected()
        try lane.submit(LaneRequest(text: "a a a"), events: a.handler())
        try lane.submit(LaneRequest(text: "b"), events: b.handler())
        try lane.submit(LaneRequest(text: "c c"), events: c.handler())
        try lane.submit(LaneRequest(text: "d d"), events: d.handler())
        engine.gate.signal()
        for item in [a, b, c, d] { #expect(item.done.wait(timeout: .now() + 30) == .success) }
        // Three at once (the batch size); d joins when b has left.
        #expect(engine.log.withLock { $0 } == [["a a a", "b", "c c"], ["a a a", "c c", "d d"], ["a a a", "d d"]])
        #expect(a.chunks == [1, 2, 3] && b.chunks == [1] && c.chunks == [1, 2] && d.chunks == [2, 3])
        for item in [a, b, c, d] {
            #expect(item.end?.outcome == .completed)
            #expect(item.end?.frames == item.chunks.count)
        }
        #expect(a.end?.summary.notes == ["3 chunks"])
        #expect(lane.batches)
    }

    @Test func aCancelledRequestLeavesAndTheOthersGoOn() throws {
        let (lane, engine) = Self.lane()
        defer { lane.shutdown() }
        let a = Collected(), b = Collected()
        let flag = CancellationFlag()
        a.cancel = (1, flag)
        try lane.submit(LaneRequest(text: "a a a a", cancellation: flag), events: a.handler())
        try lane.submit(LaneRequest(text: "b b b"), events: b.handler())
        engine.gate.signal()
        #expect(a.done.wait(timeout: .now() + 30) == .success)
        #expect(b.done.wait(timeout: .now() + 30) == .success)
        #expect(a.end?.outcome == .cancelled && a.chunks == [1])
        #expect(b.end?.outcome == .completed && b.chunks == [1, 2, 3])
        #expect(engine.log.withLock { $0 } == [["a a a a", "b b b"], ["a a a a", "b b b"], ["b b b"]])
    }

    @Test func aRefusedRequestFailsAloneAndANewcomerStillJoins() throws {
        let (lane, engine) = Self.lane()
        defer { lane.shutdown() }
        let a = Collected(), bad = Collected(), c = Collected()
        try lane.submit(LaneRequest(text: "a a"), events: a.handler())
        try lane.submit(LaneRequest(text: "refuse this"), events: bad.handler())
        try lane.submit(LaneRequest(text: "c c"), events: c.handler())
        engine.gate.signal()
        for item in [a, bad, c] { #expect(item.done.wait(timeout: .now() + 30) == .success) }
        #expect(bad.end?.outcome == .failed("refused: refuse this") && bad.chunks.isEmpty)
        #expect(a.chunks == [1, 2] && c.chunks == [1, 2])
        #expect(engine.log.withLock { $0 } == [["a a", "c c"], ["a a", "c c"]])
    }

    @Test func theQueueLimitCountsWaitingRequests() throws {
        let (lane, engine) = Self.lane(queueLimit: 2)
        defer { lane.shutdown() }
        let a = Collected(), b = Collected(), c = Collected()
        try lane.submit(LaneRequest(text: "a"), events: a.handler())
        // Once a has left the queue (its batch waits at the gate), two more may wait.
        let deadline = Date().addingTimeInterval(30)
        while lane.waitingCount > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        try lane.submit(LaneRequest(text: "b"), events: b.handler())
        try lane.submit(LaneRequest(text: "c"), events: c.handler())
        #expect(throws: LaneQueueFull.self) { try lane.submit(LaneRequest(text: "d"), events: Collected().handler()) }
        engine.gate.signal()
        for item in [a, b, c] { #expect(item.done.wait(timeout: .now() + 30) == .success) }
    }
}
