import SottoCore
import SottoRuntime

/// Something the engine's lane or the take recorder finished, for the screen to pick up.
public enum LaneEvent: Sendable {
    case loaded(modelID: String, result: Result<LoadedModel, SottoError>)
    case unloaded(modelID: String)
    case synthesisFinished(SynthesisOutcome)
    /// `:keep` ended: the voice file written, or why not.
    case voiceKept(KeptVoice)
}
