import CSoxr

/// Whole-signal sample-rate conversion with libsoxr at its "high quality" setting, the
/// resampler the Qwen3-TTS reference code runs on reference recordings (`librosa.resample`'s
/// default `soxr_hq`, float32 samples): the same library and settings give the same samples,
/// which the speaker embedding is sensitive to. Sotto's own ``Resampler`` serves playback.
///
/// The result has ceil(n × out / in) samples, as librosa trims or zero-pads it to.
public enum SoxrResampler {
    /// Resamples a mono signal from `inputRate` to `outputRate`; equal rates return it as is.
    public static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) throws(AudioError) -> [Float] {
        guard inputRate > 0, outputRate > 0 else {
            throw .invalidAudio("cannot resample from \(inputRate) Hz to \(outputRate) Hz")
        }
        if inputRate == outputRate || samples.isEmpty { return samples }
        let wanted = outputLength(forInputLength: samples.count, from: inputRate, to: outputRate)
        // Room for everything libsoxr may produce: floor(n × out / in) + 1, as the reference allows.
        let capacity = samples.count * outputRate / inputRate + 1
        var output = [Float](repeating: 0, count: max(capacity, wanted))

        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        guard let soxr = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil) else {
            throw .invalidAudio("libsoxr cannot resample \(inputRate) Hz to \(outputRate) Hz: \(message(error))")
        }
        defer { soxr_delete(soxr) }

        var produced = 0
        let failure: soxr_error_t? = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var consumed = 0, done = 0
                // libsoxr may take less input than offered when the output space is short.
                while consumed < input.count && produced < capacity {
                    var taken = 0
                    if let error = soxr_process(soxr, input.baseAddress! + consumed, input.count - consumed, &taken,
                                                out.baseAddress! + produced, capacity - produced, &done) {
                        return error
                    }
                    consumed += taken
                    produced += done
                    if taken == 0 && done == 0 { break }
                }
                // A null input flushes what the filter still holds; repeat while it yields.
                while produced < capacity {
                    if let error = soxr_process(soxr, nil, 0, nil, out.baseAddress! + produced, capacity - produced, &done) {
                        return error
                    }
                    if done == 0 { break }
                    produced += done
                }
                return nil
            }
        }
        if let failure {
            throw .invalidAudio("libsoxr failed resampling \(inputRate) Hz to \(outputRate) Hz: \(message(failure))")
        }
        // Samples beyond `produced` are still zero: librosa pads a short result with zeros.
        return Array(output[0 ..< wanted])
    }

    /// ceil(n × out / in).
    public static func outputLength(forInputLength n: Int, from inputRate: Int, to outputRate: Int) -> Int {
        (n * outputRate + inputRate - 1) / inputRate
    }

    private static func message(_ error: soxr_error_t?) -> String {
        error.map { String(cString: $0) } ?? "unknown error"
    }
}
