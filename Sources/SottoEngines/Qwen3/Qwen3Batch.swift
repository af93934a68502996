import Foundation
import Qwen3TTS
import SottoCore
import SottoKernels
import SottoMetrics

extension Qwen3Engine: BatchingSpeechEngine {
    public var maxBatchSize: Int { 8 }

    public func makeBatch() -> any SynthesisBatch { Qwen3SynthesisBatch(engine: self) }
}

/// Requests decoding together on one Qwen3-TTS model: each step generates one frame for every
/// request (one pass over the talker's and the code predictor's weights for all of them), and
/// each request's frames go through its own codec state into chunks as ``Qwen3Engine`` hands
/// them out for a single request: the first after `framesPerChunk / 3` frames, then every
/// `framesPerChunk`.
final class Qwen3SynthesisBatch: SynthesisBatch {
    private final class Member {
        let request: SynthesisRequest
        let stream: Qwen3Stream
        let codec: CodecStream
        let cancellation: CancellationFlag
        let onChunk: (AudioChunk) -> Void
        let onEnd: (Result<SynthesisSummary, any Error>) -> Void
        var notes: [String]
        var pending: [[Int]] = []
        var chunkIndex = 0
        var codecSeconds = 0.0

        init(request: SynthesisRequest, stream: Qwen3Stream, codec: CodecStream, cancellation: CancellationFlag,
             onChunk: @escaping (AudioChunk) -> Void, onEnd: @escaping (Result<SynthesisSummary, any Error>) -> Void,
             notes: [String]) {
            self.request = request
            self.stream = stream
            self.codec = codec
            self.cancellation = cancellation
            self.onChunk = onChunk
            self.onEnd = onEnd
            self.notes = notes
        }
    }

    private let engine: Qwen3Engine
    private let generation: Qwen3BatchGeneration
    private var members: [Member] = []

    init(engine: Qwen3Engine) {
        self.engine = engine
        generation = Qwen3BatchGeneration(model: engine.qwen)
    }

    var activeCount: Int { members.count }

    func join(_ request: SynthesisRequest, cancellation: CancellationFlag, onChunk: @escaping (AudioChunk) -> Void,
              onEnd: @escaping (Result<SynthesisSummary, any Error>) -> Void) throws {
        guard members.count < engine.maxBatchSize else {
            throw SottoError("this Qwen3-TTS batch already decodes \(engine.maxBatchSize) requests",
                             hint: "wait for one of them to finish")
        }
        let qwen = engine.qwen
        let resolved = try engine.resolve(request)
        var notes = resolved.notes
        if request.speed != 1 { notes.append("speed ignored: Qwen3-TTS speaks at its own pace (describe the pace in an instruction)") }
        let textTokens = qwen.promptTokenIDs(text: resolved.text).count - 8
        let settings = engine.settings(for: request, textTokens: textTokens)
        if request.seed == nil && !settings.talker.greedy { notes.append("seed \(settings.seed)") }
        let stream: Qwen3Stream
        do {
            stream = try generation.join(resolved, settings: settings)
        } catch let error as SottoError {
            throw error
        } catch {
            throw SottoError("Qwen3-TTS could not start this request: \(error)")
        }
        let codecStream = try resolved.clone?.inContextReferenceCodes.map { try qwen.codecStream(after: $0) }
            ?? qwen.codec.makeStream()
        members.append(Member(request: request, stream: stream, codec: codecStream, cancellation: cancellation,
                              onChunk: onChunk, onEnd: onEnd, notes: notes))
    }

    func step() {
        // Cancelled requests leave before the step, so the others do not pay for them.
        for member in members where member.cancellation.isCancelled {
            generation.leave(member.stream)
            end(member, .failure(SynthesisCancelled()))
        }
        guard !members.isEmpty else { return }
        let events = generation.step()
        for (stream, event) in events {
            guard let member = members.first(where: { $0.stream === stream }) else { continue }
            switch event {
            case .frame(let frame):
                member.pending.append(frame)
                // The first chunk is short so that audio starts early.
                let due = member.chunkIndex == 0 ? max(1, engine.framesPerChunk / 3) : engine.framesPerChunk
                if member.pending.count >= due {
                    do {
                        try flush(member)
                    } catch {
                        generation.leave(stream)
                        end(member, .failure(error))
                    }
                }
            case .lastFrame(let frame):
                member.pending.append(frame)
                finish(member)
            case .finished:
                finish(member)
            }
        }
    }

    private func flush(_ member: Member) throws {
        guard !member.pending.isEmpty else { return }
        let start = MonotonicClock.now()
        let samples = try engine.qwen.codec.decodeNext(member.pending, stream: member.codec)
        member.codecSeconds += MonotonicClock.now() - start
        member.pending.removeAll()
        member.onChunk(AudioChunk(samples: samples, sampleRate: engine.sampleRate, index: member.chunkIndex,
                                  text: member.request.text))
        member.chunkIndex += 1
    }

    private func finish(_ member: Member) {
        do {
            try flush(member)
        } catch {
            return end(member, .failure(error))
        }
        let stream = member.stream
        if stream.frames.isEmpty {
            return end(member, .failure(SottoError("the model ended the take before saying anything",
                                                   hint: "try another seed or rephrase the text")))
        }
        var notes = member.notes
        if stream.reachedFrameCap {
            notes.append("stopped at the \(stream.settings.maxFrames)-frame cap without an end-of-speech token (raise it with --max-frames)")
        }
        let stages = [
            StageTiming(name: "prefill", seconds: stream.prefillSeconds),
            StageTiming(name: "talker", seconds: stream.talkerSeconds),
            StageTiming(name: "code predictor", seconds: stream.codePredictorSeconds),
            StageTiming(name: "codec", seconds: member.codecSeconds),
        ]
        end(member, .success(SynthesisSummary(stages: stages, notes: notes, generatedCodes: stream.frames)))
    }

    private func end(_ member: Member, _ result: Result<SynthesisSummary, any Error>) {
        members.removeAll { $0 === member }
        member.onEnd(result)
    }
}
