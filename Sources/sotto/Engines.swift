import Qwen3TTS
import SottoCore
import SottoEngines

/// The engines this build of sotto can run. Each engine module contributes its loader here.
let engineRegistry = EngineRegistry([
    Qwen3Loader(),
    PiperLoader(),
    KokoroLoader(),
])
