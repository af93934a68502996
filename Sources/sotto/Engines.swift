import Qwen3TTS
import SottoCore

/// The engines this build of sotto can run. Each engine module contributes its loader here.
let engineRegistry = EngineRegistry([
    Qwen3Loader(),
])
