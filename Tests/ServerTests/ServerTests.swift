import Foundation
import SottoAudio
import SottoCore
import Testing

/// `sotto serve` driven by the official openai Python package (a client nobody here wrote),
/// against the bundled models.
@Suite(.serialized) struct ServerTests {
    static let kokoro = "kokoro:kokoro-v1.0-int8"
    static let piper = "piper:en_US-joe-medium"

    static func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-serve-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The audio a response carried, decoded.
    static func decode(_ file: URL, format: String, rate: Int) throws -> AudioData {
        if format == "pcm" {
            let bytes = try Data(contentsOf: file)
            let samples = stride(from: 0, to: bytes.count - 1, by: 2).map { i in
                SampleConversion.float(Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
            }
            return AudioData(samples: samples, sampleRate: rate)
        }
        return try AudioFile.read(file.path)
    }

    /// The length of a constant-rate MPEG-2 layer III stream at `rate`, from its frame headers
    /// (576 samples each), after checking that every frame starts with a sync word.
    static func mp3Seconds(_ file: URL, rate: Int) throws -> Double {
        let bytes = [UInt8](try Data(contentsOf: file))
        var offset = 0, frames = 0
        let bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]  // MPEG-2 layer III, kbit/s
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF, bytes[offset + 1] & 0xE0 == 0xE0 else { break }
            let bitrate = bitrates[Int(bytes[offset + 2] >> 4) % bitrates.count] * 1000
            let padding = Int(bytes[offset + 2] >> 1 & 1)
            guard bitrate > 0 else { break }
            offset += 72 * bitrate / rate + padding
            frames += 1
        }
        #expect(offset == bytes.count, "every byte belongs to a whole MPEG frame (\(offset) of \(bytes.count))")
        return Double(frames * 576) / Double(rate)
    }

    static func rms(_ samples: [Float]) -> Double {
        sqrt(samples.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count)))
    }

    @Test func everyBundledModelInEveryFormat() throws {
        let server = try RunningServer(["--preload", Self.kokoro, "--preload", Self.piper])
        defer { server.stop() }
        try server.waitUntilReady()
        for model in [Self.kokoro, Self.piper] {
            let folder = Self.scratch()
            var durations: [String: Double] = [:]
            let formats = ["wav", "pcm", "flac", "mp3", "opus"]
            let reply = try OpenAIClient.run(server, ["speech", model, formats.joined(separator: ","), folder.path, "--seed", "7"])
            let takes = reply["takes"] as? [String: [String: Any]] ?? [:]
            for format in formats {
                let take = takes[format] ?? [:]
                let out = folder.appendingPathComponent("take.\(format)")
                #expect(take["status"] as? Int == 200, "\(model) \(format): \(take)")
                let headers = take["headers"] as? [String: String] ?? [:]
                let rate = Int(headers["x-sample-rate"] ?? "") ?? 0
                #expect(rate > 0, "\(model) \(format) states its sample rate")
                guard rate > 0 else { continue }
                if format == "mp3" {
                    // A streamed MP3 has no header giving its length, and decoders estimate the
                    // frame count from the bit rate; so it is checked as constant-rate MPEG frames.
                    durations[format] = try Self.mp3Seconds(out, rate: rate)
                    continue
                }
                let audio = try Self.decode(out, format: format, rate: rate)
                let seconds = Double(audio.frameCount) / Double(audio.sampleRate)
                durations[format] = seconds
                #expect(seconds > 2, "\(model) \(format): two sentences last \(seconds) s")
                #expect(Self.rms(audio.monoSamples()) > 0.01, "\(model) \(format) is not silent")
            }
            // Every encoding carries the same take (the seed fixes Piper's noise): lossless ones
            // to the sample, lossy ones within their frame padding.
            let reference = durations["pcm"] ?? 0
            for (format, seconds) in durations {
                #expect(abs(seconds - reference) < 0.15, "\(model): \(format) lasts \(seconds) s, pcm \(reference) s")
            }
        }
    }

    @Test func streamingSendsAudioWhileTheModelStillSpeaks() throws {
        let server = try RunningServer(["--preload", Self.piper])
        defer { server.stop() }
        try server.waitUntilReady()
        // The client reads a take of minutes and notes when its first and last bytes came. A
        // server that streams sends the first window while the model goes on speaking, so the
        // first bytes come early in the take; one that made the whole take before sending would
        // deliver them together at its end. A ratio, not a time: a loaded machine stretches both.
        // (Asking the server whether it is still busy, as this test once did, failed on a loaded
        // machine: the metrics request waited behind the synthesis it asked about.)
        let text = String(repeating: "This sentence is one of many in a long reading. ", count: 80)
        let take = try OpenAIClient.run(server, ["timeline", Self.piper, "--input", text])
        #expect(take["status"] as? Int == 200)
        let first = take["first_byte_s"] as? Double ?? .infinity, last = take["last_byte_s"] as? Double ?? 0
        #expect((take["bytes"] as? Int ?? 0) > 22_050 * 2 * 60, "minutes of audio: \(take)")
        #expect(first < 0.2 * last, "first bytes at \(first) s of \(last) s: \(take)")
    }

    @Test func serverSentEventsCarryTheAudio() throws {
        let server = try RunningServer(["--preload", Self.piper])
        defer { server.stop() }
        try server.waitUntilReady()
        let out = Self.scratch().appendingPathComponent("sse.wav")
        let reply = try OpenAIClient.run(server, ["speech", Self.piper, "wav", out.path, "--sse"])
        #expect(reply["status"] as? Int == 200)
        #expect((reply["headers"] as? [String: String])?["content-type"]?.hasPrefix("text/event-stream") == true)
        let events = reply["events"] as? [String] ?? []
        #expect(events.count >= 2 && events.last == "speech.audio.done" && events.dropLast().allSatisfy { $0 == "speech.audio.delta" },
                "\(events)")
        let audio = try AudioFile.read(out.path)
        #expect(Double(audio.frameCount) / Double(audio.sampleRate) > 2)
    }

    @Test func wordTimingsFollowTheAudioTheyTime() throws {
        let server = try RunningServer(["--preload", Self.kokoro])
        defer { server.stop() }
        try server.waitUntilReady()
        let out = Self.scratch().appendingPathComponent("words.wav")
        let reply = try OpenAIClient.run(server, ["speech", Self.kokoro, "wav", out.path, "--sse", "--word-timings",
                                                  "--voice", "jf_alpha", "--input", "Words arrive with the audio. Then more words."])
        #expect(reply["status"] as? Int == 200, "\(reply)")
        let events = reply["events"] as? [String] ?? []
        // Each sentence's words come right after its audio.
        #expect(events.filter { $0 == "speech.audio.words" }.count == 2, "\(events)")
        #expect(events.first == "speech.audio.delta" && events.last == "speech.audio.done", "\(events)")
        let words = reply["words"] as? [[String: Any]] ?? []
        #expect(words.compactMap { $0["word"] as? String } == ["Words", "arrive", "with", "the", "audio", "Then", "more", "words"])
        let audio = try AudioFile.read(out.path)
        let seconds = Double(audio.frameCount) / Double(audio.sampleRate)
        let ends = words.compactMap { $0["end"] as? Double }
        #expect(ends.count == 8 && ends == ends.sorted() && (ends.last ?? 99) <= seconds + 1e-6, "\(ends) \(seconds)")
    }

    @Test func eightClientsAtOnceGetAudioOrARetry() throws {
        let server = try RunningServer(["--preload", Self.piper, "--max-queue", "1"])
        defer { server.stop() }
        try server.waitUntilReady()
        let text = String(repeating: "Eight clients ask at the same moment. ", count: 4)
        let reply = try OpenAIClient.run(server, ["concurrent", Self.piper, "8", "--input", text])
        let results = reply["results"] as? [[String: Any]] ?? []
        #expect(results.count == 8)
        for result in results {
            let status = result["status"] as? Int
            #expect(status == 200 || status == 503, "\(result)")
            if status == 200 { #expect((result["bytes"] as? Int ?? 0) > 0) }
            if status == 503 {
                #expect(Int(result["retry_after"] as? String ?? "") ?? 0 > 0, "\(result)")
                #expect(result["code"] as? String == "queue_full")
            }
        }
        // One runs and one waits; the rest are told to come back.
        #expect(results.filter { $0["status"] as? Int == 200 }.count >= 2)
        #expect(results.contains { $0["status"] as? Int == 503 })
        #expect(try server.request("GET", "/health").status == 200)
        let again = try OpenAIClient.run(server, ["speech", Self.piper, "pcm", Self.scratch().appendingPathComponent("after.pcm").path])
        #expect(again["status"] as? Int == 200)
    }

    @Test func aClientThatLeavesFreesItsLane() throws {
        let server = try RunningServer(["--preload", Self.kokoro])
        defer { server.stop() }
        try server.waitUntilReady()
        let text = String(repeating: "A client that stops listening should not keep the model busy. ", count: 40)
        let drop = try OpenAIClient.run(server, ["drop", Self.kokoro, "--input", text])
        #expect(drop["status"] as? Int == 200)
        let busy = "sotto_lane_busy{model=\"\(Self.kokoro)\"}"
        #expect(try server.wait { try server.metric(busy) == 0 }, "the lane stays busy after its client left")
        let cancelled = "sotto_synthesis_total{model=\"\(Self.kokoro)\",outcome=\"cancelled\"}"
        #expect(try server.metric(cancelled) == 1, "the synthesis was cancelled, not run to its end")
        #expect(try server.request("GET", "/health").status == 200)
        let next = try OpenAIClient.run(server, ["speech", Self.kokoro, "wav", Self.scratch().appendingPathComponent("next.wav").path])
        #expect(next["status"] as? Int == 200)
    }

    @Test func everyValidationErrorIsA4xxBeforeAnyAudio() throws {
        // A VoiceDesign model is recognised from its config alone, so its check needs no weights
        // that load.
        let models = Self.scratch()
        try Self.linkInstalled("kokoro-v1.0-int8", into: models)
        try Self.linkInstalled("piper", into: models)
        try Self.voiceDesignModel(in: models)
        let server = try RunningServer(["--preload", Self.piper, "--max-input", "200", "--models-dir", models.path])
        defer { server.stop() }
        try server.waitUntilReady()
        func body(_ fields: [String: Any]) -> String {
            var all: [String: Any] = ["model": Self.piper, "input": "Hello.", "voice": ""]
            for (key, value) in fields { all[key] = value }
            return String(decoding: try! JSONSerialization.data(withJSONObject: all), as: UTF8.self)
        }
        let cases: [(String, [String: Any], Int, String?)] = [
            ("unknown model", ["model": "tts-1"], 404, "model"),
            ("unknown voice", ["voice": "alloy"], 400, "voice"),
            ("empty input", ["input": "   "], 400, "input"),
            ("input over the limit", ["input": String(repeating: "a", count: 201)], 400, "input"),
            ("speed too high", ["speed": 5], 400, "speed"),
            ("speed too low", ["speed": 0.1], 400, "speed"),
            ("unknown format", ["response_format": "aac"], 400, "response_format"),
            ("voice design without a description", ["model": "qwen3:qwen3-voicedesign"], 400, "instructions"),
            ("model not loaded", ["model": Self.kokoro], 503, nil),
            ("a path as model", ["model": "/etc/passwd"], 400, "model"),
            ("word timings without events", ["word_timings": true], 400, "word_timings"),
            ("word timings from a model without them", ["word_timings": true, "stream_format": "sse",
                                                        "model": "qwen3:qwen3-voicedesign", "instructions": "calm"], 400, "word_timings"),
        ]
        for (name, fields, status, param) in cases {
            let reply = try OpenAIClient.run(server, ["error", body(fields)])
            #expect(reply["status"] as? Int == status, "\(name): \(reply)")
            let error = (reply["body"] as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["message"] as? String != nil && error?["type"] as? String != nil && error?.keys.contains("code") == true,
                    "\(name): \(reply)")
            if let param { #expect(error?["param"] as? String == param, "\(name): \(reply)") }
            if status == 503 { #expect(Int(reply["retry_after"] as? String ?? "") ?? 0 > 0, "\(name): \(reply)") }
        }
        let malformed = try OpenAIClient.run(server, ["raw", "{\"model\": \"piper\", \"input\": "])
        #expect(malformed["status"] as? Int == 400)
        #expect(((malformed["body"] as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "invalid_json")
        let wrongType = try OpenAIClient.run(server, ["raw", "{\"model\": \"piper\", \"input\": 42}"])
        #expect(wrongType["status"] as? Int == 400)
        #expect(((wrongType["body"] as? [String: Any])?["error"] as? [String: Any])?["param"] as? String == "input")
        // Unknown extra fields are ignored, as OpenAI's clients send some.
        let extra = try OpenAIClient.run(server, ["raw", "{\"model\": \"piper\", \"input\": \"Hi there.\", \"voice\": \"\", \"response_format\": \"pcm\", \"user\": \"x\"}"])
        #expect(extra["status"] as? Int == 200, "\(extra)")
    }

    @Test func modelsVoicesLoadingAndMetrics() throws {
        let server = try RunningServer(["--preload", Self.piper])
        defer { server.stop() }
        try server.waitUntilReady()
        let ids = try OpenAIClient.run(server, ["models"])["ids"] as? [String] ?? []
        #expect(ids.contains(Self.kokoro) && ids.contains(Self.piper), "\(ids)")
        let voices = try server.request("GET", "/v1/audio/voices?model=kokoro")
        #expect(voices.status == 200)
        #expect((voices.json["voices"] as? [[String: Any]])?.count == 5, "\(voices.text)")
        #expect(try server.request("GET", "/v1/audio/voices?model=nope").status == 404)

        // Not loaded: 503 and a retry time; loaded on request; then it speaks; unloaded again.
        let out = Self.scratch().appendingPathComponent("k.pcm")
        let before = try OpenAIClient.run(server, ["error", "{\"model\": \"kokoro\", \"input\": \"Hi.\", \"voice\": \"\"}"])
        #expect(before["status"] as? Int == 503)
        let load = try server.request("POST", "/v1/models/\(Self.kokoro)/load")
        #expect(load.status == 200 && load.json["status"] as? String == "ready", "\(load.text)")
        #expect(try OpenAIClient.run(server, ["speech", "kokoro", "pcm", out.path])["status"] as? Int == 200)
        let unload = try server.request("POST", "/v1/models/kokoro/unload")
        #expect(unload.status == 200 && unload.json["was_loaded"] as? Bool == true, "\(unload.text)")
        let after = try OpenAIClient.run(server, ["error", "{\"model\": \"kokoro\", \"input\": \"Hi.\", \"voice\": \"\"}"])
        #expect(after["status"] as? Int == 503)

        let metrics = try server.request("GET", "/metrics")
        #expect(metrics.status == 200)
        for name in ["sotto_http_requests_total", "sotto_queue_depth", "sotto_time_to_first_byte_seconds_bucket",
                     "sotto_real_time_factor_bucket", "process_resident_memory_bytes", "sotto_lane_batching"] {
            #expect(metrics.text.contains(name), "/metrics has \(name)")
        }
        #expect(metrics.text.contains("sotto_http_requests_total{route=\"/v1/audio/speech\",status=\"503\"}"), "\(metrics.text)")
    }

    @Test func aKeyGuardsTheAPIAndOtherAddressesNeedOne() throws {
        let refused = try SottoProcess.run(["serve", "--host", "0.0.0.0", "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("without an API key"), "\(refused.stderr)")

        let server = try RunningServer(["--preload", Self.piper, "--api-key", "secret"])
        defer { server.stop() }
        try server.waitUntilReady()
        #expect(try server.request("GET", "/v1/models").status == 401)
        #expect(try server.request("GET", "/v1/models", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try server.request("GET", "/v1/models", headers: ["Authorization": "Bearer secret"]).status == 200)
        #expect(try server.request("GET", "/health").status == 200, "probes stay open")
    }

    @Test func concurrentQwen3RequestsDecodeTogether() throws {
        let models = Self.scratch()
        try Self.qwen3Model(in: models, name: "qwen3-tiny", variant: nil)
        let server = try RunningServer(["--preload", "qwen3-tiny", "--models-dir", models.path])
        defer { server.stop() }
        try server.waitUntilReady()
        let listed = try server.request("GET", "/v1/models").json["data"] as? [[String: Any]] ?? []
        #expect(listed.first { $0["id"] as? String == "qwen3:qwen3-tiny" }?["concurrency"] as? String == "batch", "\(listed)")
        #expect(try server.metric("sotto_lane_batching{model=\"qwen3:qwen3-tiny\"}") == 1)
        let reply = try OpenAIClient.run(server, ["concurrent", "qwen3-tiny", "3", "--input", "Three voices at once."])
        let results = reply["results"] as? [[String: Any]] ?? []
        #expect(results.count == 3)
        for result in results {
            #expect(result["status"] as? Int == 200 && (result["bytes"] as? Int ?? 0) > 0, "\(result)")
        }
        #expect(try server.metric("sotto_synthesis_total{model=\"qwen3:qwen3-tiny\",outcome=\"completed\"}") == 3)
    }

    static func linkInstalled(_ name: String, into models: URL) throws {
        let fm = FileManager.default
        let source = SottoPaths().modelsDirectory().appendingPathComponent(name)
        let target = models.appendingPathComponent(name)
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        for file in try fm.contentsOfDirectory(atPath: source.path) where !file.hasPrefix(".") {
            try fm.createSymbolicLink(at: target.appendingPathComponent(file), withDestinationURL: source.appendingPathComponent(file))
        }
    }

    /// A Qwen3-TTS VoiceDesign folder made from the tiny test checkpoint.
    static func voiceDesignModel(in models: URL) throws {
        try qwen3Model(in: models, name: "qwen3-voicedesign", variant: "voice_design")
    }

    /// A Qwen3-TTS folder made from the tiny test checkpoint (random weights, real engine),
    /// CustomVoice unless `variant` says otherwise.
    static func qwen3Model(in models: URL, name: String, variant: String?) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let talker = root.appendingPathComponent("Qwen3TTSTests/Fixtures/qwen3/talker-1b7")
        let folder = models.appendingPathComponent(name)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: talker.appendingPathComponent("config.json"))) as! [String: Any]
        if let variant { config["tts_model_type"] = variant }
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        for file in ["model.safetensors", "generation_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(file), withDestinationURL: talker.appendingPathComponent(file))
        }
        try fm.createSymbolicLink(at: folder.appendingPathComponent("speech_tokenizer"),
                                  withDestinationURL: talker.deletingLastPathComponent().appendingPathComponent("speech_tokenizer"))
        let tokenizer = SottoPaths().modelsDirectory().appendingPathComponent("qwen3-tokenizer")
        for file in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(file), withDestinationURL: tokenizer.appendingPathComponent(file))
        }
    }
}

/// Runs the built binary to its end.
enum SottoProcess {
    struct Result { var status: Int32; var stderr: String }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = SottoBinary.url
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
    }
}
