import SottoCore

extension ModelFamilies {
    /// The families this build runs, registered in this one place. A folder is shown to them in
    /// this order: whole-folder models first, then Piper's config-paired files, then Kokoro's.
    public static let standard = ModelFamilies([
        Qwen3Family(),
        PiperFamily(),
        KokoroFamily(),
    ])
}
