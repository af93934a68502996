import Foundation
import SottoAudio
import SottoCore

/// The JSON body of `POST /v1/audio/speech`: OpenAI's fields and Sotto's own optional ones.
/// Fields it does not know are ignored, as OpenAI's clients send some.
struct SpeechBody: Decodable, Sendable {
    var model: String?
    var input: String?
    var voice: String?
    var instructions: String?
    var responseFormat: String?
    var speed: Double?
    var streamFormat: String?
    // Sotto's own.
    var seed: UInt64?
    var language: String?
    var speaker: String?
    var wordTimings: Bool?

    enum CodingKeys: String, CodingKey {
        case model, input, voice, instructions, speed, seed, language, speaker
        case wordTimings = "word_timings"
        case responseFormat = "response_format"
        case streamFormat = "stream_format"
    }

    /// Decodes `bytes`, turning every way JSON can be wrong into a 400 naming the field.
    static func decode(_ bytes: [UInt8]) throws(APIError) -> SpeechBody {
        do {
            return try JSONDecoder().decode(SpeechBody.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(type, context) {
            let field = context.codingPath.last?.stringValue
            throw .invalid("'\(field ?? "body")' must be \(Self.describe(type))", param: field, code: "invalid_type")
        } catch let DecodingError.valueNotFound(type, context) {
            let field = context.codingPath.last?.stringValue
            throw .invalid("'\(field ?? "body")' must be \(Self.describe(type)), not null", param: field, code: "invalid_type")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.last?.stringValue
            throw .invalid("'\(field ?? "body")' has an invalid value", param: field, code: "invalid_type")
        } catch {
            throw .invalid("the request body is not a JSON object: send {\"model\": …, \"input\": …}", param: nil,
                           code: "invalid_json")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type: "a number"
        case is UInt64.Type: "a non-negative integer"
        case is Bool.Type: "true or false"
        default: "an object"
        }
    }
}

/// A speech request that passed every check that needs no engine.
struct SpeechOrder: Sendable {
    var model: ModelDescriptor
    var text: String
    var options: SynthesisOptions
    var encoding: StreamEncoding
    var sse: Bool
    /// Send `speech.audio.words` events with each word's timing (server-sent events only).
    var wordTimings = false
}

extension SpeechBody {
    /// Checks the fields in the order a person fixes them: what to say, with which model, how.
    func validated(models: ServedModels, maxInput: Int) throws(APIError) -> SpeechOrder {
        guard let input else { throw .invalid("'input' is required: the text to speak", param: "input", code: "missing_required_parameter") }
        guard !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalid("'input' is empty: give some words to speak", param: "input", code: "empty_input")
        }
        guard input.count <= maxInput else {
            throw .invalid("'input' is \(input.count) characters; the limit is \(maxInput)", param: "input", code: "input_too_long")
        }
        let encoding: StreamEncoding
        let formatName = (responseFormat ?? "mp3").lowercased()
        if let known = StreamEncoding(rawValue: formatName) {
            encoding = known
        } else {
            let names = StreamEncoding.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid("response_format '\(formatName)' is not supported; choose one of: \(names)", param: "response_format")
        }
        let stream = (streamFormat ?? "audio").lowercased()
        guard stream == "audio" || stream == "sse" else {
            throw .invalid("stream_format '\(stream)' is not supported; choose audio or sse", param: "stream_format")
        }
        let speed = speed ?? 1
        guard SynthesisOptions.speedRange.contains(speed) else {
            throw .invalid("speed \(speed) is outside 0.25–4", param: "speed")
        }
        guard let modelName = model?.trimmingCharacters(in: .whitespaces), !modelName.isEmpty else {
            throw .invalid("'model' is required; GET /v1/models lists them", param: "model", code: "missing_required_parameter")
        }
        let descriptor = try models.resolve(modelName)
        let capabilities = descriptor.capabilities
        let voiceName = [speaker, voice].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        if let voiceName { try models.checkVoice(voiceName, of: descriptor, param: speaker?.isEmpty == false ? "speaker" : "voice") }
        let instruction = instructions?.trimmingCharacters(in: .whitespacesAndNewlines)
        var options = SynthesisOptions(voice: voiceName, language: language, speed: speed, seed: seed)
        if capabilities.contains(.voiceDesign) {
            guard let instruction, !instruction.isEmpty else {
                throw .invalid("\(descriptor.id) designs its voice from a description: put it in 'instructions'",
                               param: "instructions", code: "missing_voice_description")
            }
            options.voiceDescription = instruction
        } else if let instruction, !instruction.isEmpty {
            options.instruct = instruction
        }
        if wordTimings == true {
            guard stream == "sse" else {
                throw .invalid("word timings travel as events: set stream_format to sse", param: "word_timings")
            }
            guard capabilities.contains(.wordTimings) else {
                throw .invalid("\(descriptor.id) does not time its words", param: "word_timings")
            }
        }
        options.wordTimings = wordTimings == true
        return SpeechOrder(model: descriptor, text: input, options: options, encoding: encoding, sse: stream == "sse",
                           wordTimings: wordTimings == true)
    }
}
