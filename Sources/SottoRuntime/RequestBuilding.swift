import SottoCore

/// Requests from the synthesis options, the same way for every front end.
extension SynthesisOptions {
    /// A request with every option as given: the engine notes what the model ignores (the CLI
    /// shows those notes, so a user learns why a flag made no difference).
    public func request(text: String) -> SynthesisRequest {
        SynthesisRequest(text: text, options: self)
    }

    /// A request sending only what a model with `capabilities` uses (the studio keeps settings
    /// across models; those the model cannot use are left out rather than noted on every take).
    /// It asks for word timings wherever the model has them: the studio highlights each word as
    /// it is spoken.
    public func request(text: String, fittedTo capabilities: EngineCapabilities) -> SynthesisRequest {
        // A model that clones takes its cloned voices by name.
        let usesVoice = capabilities.contains(.voices) || capabilities.contains(.speakers) || capabilities.contains(.referenceAudio)
        func given(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
        var request = SynthesisRequest(
            text: text,
            voice: usesVoice ? voice : nil,
            instruct: capabilities.contains(.instruct) ? given(instruct) : nil,
            voiceDescription: capabilities.contains(.voiceDesign) ? given(voiceDescription) : nil,
            language: capabilities.contains(.languages) ? language : nil,
            speed: capabilities.contains(.speed) ? speed : 1,
            seed: capabilities.contains(.seed) ? seed : nil,
            sampling: sampling)
        request.wordTimings = capabilities.contains(.wordTimings)
        return request
    }
}
