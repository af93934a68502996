import Foundation
import HTTPTypes
import Hummingbird
import SottoAudio
import SottoCore
import SottoMetrics
import SottoRuntime

/// One synthesis on its way to a client. The response starts only once the first audio exists,
/// so every error the engine finds in the input is still a clean 4xx; after that, audio leaves
/// chunk by chunk as the lane makes it.
final class SpeechResponse: @unchecked Sendable {
    private var events: AsyncThrowingStream<SynthesisEvent, any Error>.AsyncIterator
    private let order: SpeechOrder
    private let cancellation: CancellationFlag
    private let metrics: ServerMetrics
    private let received: Double
    private var start: SynthesisStart?
    private var first: TimedChunk?
    private var encoder: (any AudioStreamEncoder)?

    init(order: SpeechOrder, events: AsyncThrowingStream<SynthesisEvent, any Error>, cancellation: CancellationFlag,
         metrics: ServerMetrics, received: Double) {
        self.order = order
        self.events = events.makeAsyncIterator()
        self.cancellation = cancellation
        self.metrics = metrics
        self.received = received
    }

    /// Waits for the first audio; throws the `APIError` to send instead when there is none.
    func awaitFirstAudio() async throws(APIError) {
        do {
            while let event = try await events.next() {
                switch event {
                case .preparing: continue
                case .started(let value): start = value
                case .chunk(let chunk):
                    guard !chunk.chunk.samples.isEmpty else { continue }
                    first = chunk
                    do {
                        encoder = try order.encoding.makeEncoder(sampleRate: chunk.chunk.sampleRate)
                    } catch {
                        throw APIError(.internalServerError, "cannot encode \(order.encoding.rawValue): \(error)",
                                       type: "server_error", code: "encoder_failed")
                    }
                    return
                case .finished(let end):
                    if end.outcome == .cancelled {
                        throw APIError(.serviceUnavailable, "the request was cancelled", type: "server_error", code: "cancelled",
                                       retryAfter: 1)
                    }
                    throw APIError(.internalServerError, "\(order.model.id) made no audio for this input", type: "server_error",
                                   code: "no_audio")
                }
            }
            throw APIError(.internalServerError, "the synthesis ended without audio", type: "server_error", code: "no_audio")
        } catch let error as APIError {
            throw error
        } catch {
            // A failure before the engine started is the model's (it did not load); after, the
            // engine refused this input.
            guard start != nil else {
                throw APIError(.serviceUnavailable, "\(order.model.id) could not be loaded: \(SottoError.describe(error))",
                               type: "server_error", code: "model_load_failed", retryAfter: 30)
            }
            throw APIError(.badRequest, SottoError.describe(error), param: "input", code: "synthesis_refused")
        }
    }

    var sampleRate: Int { encoder?.outputRate ?? 0 }

    var headers: HTTPFields {
        var fields: HTTPFields = [
            .contentType: order.sse ? "text/event-stream" : order.encoding.contentType,
            .cacheControl: "no-store",
        ]
        fields[.sampleRate] = String(encoder?.outputRate ?? 0)
        fields[.sottoModel] = order.model.id
        return fields
    }

    /// Writes the audio; a client that goes away cancels the synthesis at its next chunk.
    func write(to writer: inout any ResponseBodyWriter) async throws {
        do {
            try await stream(to: &writer)
        } catch {
            cancellation.cancel()
            throw error
        }
    }

    private func stream(to writer: inout any ResponseBodyWriter) async throws {
        guard let encoder, let first else { return }
        var audioSeconds = 0.0
        var bytes = try encoder.start() + encoder.encode(first.chunk.samples)
        audioSeconds += first.chunk.seconds
        try await send(bytes, to: &writer)
        try await sendWords(of: first.chunk, to: &writer)
        metrics.firstByte(model: order.model.id, seconds: MonotonicClock.now() - received)
        var end: SynthesisEnd?
        while let event = try await events.next() {
            switch event {
            case .chunk(let chunk):
                bytes = try encoder.encode(chunk.chunk.samples)
                audioSeconds += chunk.chunk.seconds
                if !bytes.isEmpty { try await send(bytes, to: &writer) }
                try await sendWords(of: chunk.chunk, to: &writer)
            case .finished(let value):
                end = value
            case .preparing, .started:
                continue
            }
        }
        guard let end, end.outcome == .completed else {
            // Stopped midway (cancelled or failed): end the response unfinished, so the client
            // sees a broken transfer rather than a short file that looks whole.
            throw SottoError("the synthesis stopped before the end")
        }
        bytes = try encoder.finish()
        if !bytes.isEmpty { try await send(bytes, to: &writer) }
        if order.sse { try await writer.write(ByteBuffer(bytes: Self.doneEvent(characters: order.text.count))) }
        if audioSeconds > 0 {
            metrics.realTimeFactor(model: order.model.id, value: end.synthesisSeconds / audioSeconds)
            metrics.audioSeconds(model: order.model.id, seconds: audioSeconds)
        }
        try await writer.finish(nil)
    }

    private func send(_ bytes: [UInt8], to writer: inout any ResponseBodyWriter) async throws {
        guard !bytes.isEmpty else { return }
        if order.sse {
            try await writer.write(ByteBuffer(bytes: Self.deltaEvent(bytes)))
        } else {
            try await writer.write(ByteBuffer(bytes: bytes))
        }
    }

    /// The chunk's word timings, when the request asked for them, after the audio they time.
    private func sendWords(of chunk: AudioChunk, to writer: inout any ResponseBodyWriter) async throws {
        guard order.wordTimings, !chunk.words.isEmpty else { return }
        try await writer.write(ByteBuffer(bytes: try Self.wordsEvent(chunk.words)))
    }

    /// `speech.audio.words` (Sotto's own): words with their start and end, in seconds from the
    /// start of the audio.
    static func wordsEvent(_ words: [WordTiming]) throws -> [UInt8] {
        struct Event: Encodable { let type = "speech.audio.words"; let words: [WordTiming] }
        return Array("data: ".utf8) + Array(try JSONEncoder().encode(Event(words: words))) + Array("\n\n".utf8)
    }

    /// `speech.audio.delta`: a piece of the encoded audio, base64.
    static func deltaEvent(_ bytes: [UInt8]) -> [UInt8] {
        Array("data: {\"type\":\"speech.audio.delta\",\"audio\":\"\(Data(bytes).base64EncodedString())\"}\n\n".utf8)
    }

    /// `speech.audio.done`, last, with usage counted in characters of input.
    static func doneEvent(characters: Int) -> [UInt8] {
        Array("data: {\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\":\(characters),\"output_tokens\":0,\"total_tokens\":\(characters)}}\n\n".utf8)
    }
}

extension HTTPField.Name {
    /// The rate of the audio in the body (what a `pcm` client needs to play it).
    static let sampleRate = HTTPField.Name("X-Sample-Rate")!
    /// The model that spoke, as `GET /v1/models` names it.
    static let sottoModel = HTTPField.Name("X-Sotto-Model")!
}
