import SottoKernels

/// Single stages of the model with their inputs given from outside, so that each can be
/// compared with a reference fed the reference's own inputs (errors do not carry over from the
/// stages before). Tensors come from and live in `workspace`.
extension KokoroModel {
    /// The harmonic-plus-noise excitation `[300·n]` for an F0 curve `[n]` (Hz).
    public func harmonicSource(f0: [Float], workspace: Workspace) -> [Float] {
        decoder.generator.source(Tensor(shape: [f0.count], values: f0), workspace: workspace).toArray()
    }

    /// The decoder's output `[512, 2F]` (the generator input) from `asr` `[512, F]` values,
    /// curves `[2F]` and a 256-float style.
    public func decoderFeatures(asr: [Float], frames: Int, f0: [Float], noise: [Float], style: [Float],
                                workspace: Workspace) -> [Float] {
        let decoderStyle = Tensor(shape: [128], values: Array(style[0..<128]))
        return decoder.features(asr: Tensor(shape: [asr.count / frames, frames], values: asr),
                                f0: Tensor(shape: [f0.count], values: f0), noise: Tensor(shape: [noise.count], values: noise),
                                style: decoderStyle, workspace: workspace).toArray()
    }

    /// Audio `[300·2F]` from generator input `features` `[512, 2F]`, F0 `[2F]` and a style.
    public func generate(features: [Float], f0: [Float], style: [Float], workspace: Workspace) -> [Float] {
        let decoderStyle = Tensor(shape: [128], values: Array(style[0..<128]))
        let x = Tensor(shape: [features.count / f0.count, f0.count], values: features)
        return decoder.generator(x, style: decoderStyle, f0: Tensor(shape: [f0.count], values: f0), workspace: workspace).toArray()
    }
}
