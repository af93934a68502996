import Foundation
import SottoCore
import SottoKernels

/// Signals here are time-major: `frames` rows of `channels` floats.
struct Signal {
    var frames: Int
    var channels: Int
    var values: [Float]

    init(frames: Int, channels: Int, values: [Float]) {
        precondition(values.count == frames * channels)
        self.frames = frames
        self.channels = channels
        self.values = values
    }

    init(zeros frames: Int, channels: Int) {
        self.init(frames: frames, channels: channels, values: [Float](repeating: 0, count: frames * channels))
    }
}

/// A causal 1-D convolution that streams: it keeps the last `(kernel-1)·dilation` input frames,
/// so decoding in pieces gives the same output as decoding at once (the start is zero-padded,
/// as in the reference). Runs as im2col + SGEMM.
final class CausalConvolution: @unchecked Sendable {
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let dilation: Int
    /// `[out × (kernel · in)]`, tap-major so that im2col rows are contiguous input frames.
    let weight: [Float]
    let bias: [Float]?
    private var history: [Float]

    init(_ archive: SafetensorsArchive, prefix: String, inputChannels: Int, outputChannels: Int, kernel: Int,
         dilation: Int = 1) throws {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.dilation = dilation
        let w = try archive.floats(prefix + "weight", shape: [outputChannels, inputChannels, kernel])
        var packed = [Float](repeating: 0, count: w.count)
        for o in 0 ..< outputChannels {
            for c in 0 ..< inputChannels {
                for k in 0 ..< kernel {
                    packed[o * kernel * inputChannels + k * inputChannels + c] = w[(o * inputChannels + c) * kernel + k]
                }
            }
        }
        weight = packed
        bias = archive.contains(prefix + "bias") ? try archive.floats(prefix + "bias", shape: [outputChannels]) : nil
        history = [Float](repeating: 0, count: (kernel - 1) * dilation * inputChannels)
    }

    var historyFrames: Int { (kernel - 1) * dilation }

    func reset() { for i in history.indices { history[i] = 0 } }

    func callAsFunction(_ input: Signal) -> Signal {
        precondition(input.channels == inputChannels)
        let t = input.frames, c = inputChannels, span = historyFrames
        let padded = history + input.values
        var output = Signal(zeros: t, channels: outputChannels)
        if kernel == 1 {
            padded.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    output.values.withUnsafeMutableBufferPointer { y in
                        BLAS.sgemm(transposeB: true, m: t, n: outputChannels, k: c, a: x.baseAddress! + span * c, lda: c,
                                   b: w.baseAddress!, ldb: c, c: y.baseAddress!, ldc: outputChannels)
                    }
                }
            }
        } else {
            let width = kernel * c
            var columns = [Float](repeating: 0, count: t * width)
            padded.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { col in
                    for frame in 0 ..< t {
                        for k in 0 ..< kernel {
                            (col.baseAddress! + frame * width + k * c).update(from: x.baseAddress! + (frame + k * dilation) * c, count: c)
                        }
                    }
                }
            }
            columns.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    output.values.withUnsafeMutableBufferPointer { y in
                        BLAS.sgemm(transposeB: true, m: t, n: outputChannels, k: width, a: x.baseAddress!, lda: width,
                                   b: w.baseAddress!, ldb: width, c: y.baseAddress!, ldc: outputChannels)
                    }
                }
            }
        }
        addBias(&output)
        if span > 0 { history = Array(padded[(padded.count - span * c)...]) }
        return output
    }

    private func addBias(_ signal: inout Signal) {
        guard let bias else { return }
        let n = outputChannels
        signal.values.withUnsafeMutableBufferPointer { y in
            for frame in 0 ..< signal.frames {
                for o in 0 ..< n { y[frame * n + o] += bias[o] }
            }
        }
    }
}

/// A causal depthwise convolution (one filter per channel), streaming like `CausalConvolution`.
final class CausalDepthwiseConvolution: @unchecked Sendable {
    let channels: Int
    let kernel: Int
    /// `[kernel × channels]`.
    let weight: [Float]
    let bias: [Float]
    private var history: [Float]

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int, kernel: Int) throws {
        self.channels = channels
        self.kernel = kernel
        let w = try archive.floats(prefix + "weight", shape: [channels, 1, kernel])
        var packed = [Float](repeating: 0, count: w.count)
        for c in 0 ..< channels { for k in 0 ..< kernel { packed[k * channels + c] = w[c * kernel + k] } }
        weight = packed
        bias = try archive.floats(prefix + "bias", shape: [channels])
        history = [Float](repeating: 0, count: (kernel - 1) * channels)
    }

    func reset() { for i in history.indices { history[i] = 0 } }

    func callAsFunction(_ input: Signal) -> Signal {
        let c = channels, t = input.frames
        let padded = history + input.values
        var output = Signal(zeros: t, channels: c)
        for frame in 0 ..< t {
            for o in 0 ..< c { output.values[frame * c + o] = bias[o] }
            for k in 0 ..< kernel {
                let x = (frame + k) * c, w = k * c
                for o in 0 ..< c { output.values[frame * c + o] += padded[x + o] * weight[w + o] }
            }
        }
        history = Array(padded[(padded.count - (kernel - 1) * c)...])
        return output
    }
}

/// A transposed convolution with stride `s` and kernel `k ≥ s`, trimmed on the right by `k − s`
/// so that n input frames give exactly n·s output frames (qwen-tts 0.1.1). The overlap that
/// spills past a piece's end is carried into the next piece, so streaming is exact.
final class CausalTransposedConvolution: @unchecked Sendable {
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let stride: Int
    /// `[in × (kernel · out)]`, tap-major.
    let weight: [Float]
    let bias: [Float]
    private var carry: [Float]

    init(_ archive: SafetensorsArchive, prefix: String, inputChannels: Int, outputChannels: Int, kernel: Int,
         stride: Int) throws {
        precondition(kernel >= stride)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        let w = try archive.floats(prefix + "weight", shape: [inputChannels, outputChannels, kernel])
        var packed = [Float](repeating: 0, count: w.count)
        for c in 0 ..< inputChannels {
            for o in 0 ..< outputChannels {
                for k in 0 ..< kernel {
                    packed[c * kernel * outputChannels + k * outputChannels + o] = w[(c * outputChannels + o) * kernel + k]
                }
            }
        }
        weight = packed
        bias = try archive.floats(prefix + "bias", shape: [outputChannels])
        carry = [Float](repeating: 0, count: (kernel - stride) * outputChannels)
    }

    func reset() { for i in carry.indices { carry[i] = 0 } }

    func callAsFunction(_ input: Signal) -> Signal {
        let t = input.frames, o = outputChannels, width = kernel * o
        var contributions = [Float](repeating: 0, count: t * width)
        input.values.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                contributions.withUnsafeMutableBufferPointer { y in
                    BLAS.sgemm(m: t, n: width, k: inputChannels, a: x.baseAddress!, lda: inputChannels,
                               b: w.baseAddress!, ldb: width, c: y.baseAddress!, ldc: width)
                }
            }
        }
        let outFrames = t * stride
        // Accumulate into a buffer that also holds the spill past the end.
        var accumulated = [Float](repeating: 0, count: (outFrames + kernel - stride) * o)
        for i in 0 ..< carry.count { accumulated[i] = carry[i] }
        contributions.withUnsafeBufferPointer { y in
            accumulated.withUnsafeMutableBufferPointer { acc in
                for frame in 0 ..< t {
                    for k in 0 ..< kernel {
                        let destination = acc.baseAddress! + (frame * stride + k) * o
                        let source = y.baseAddress! + frame * width + k * o
                        for channel in 0 ..< o { destination[channel] += source[channel] }
                    }
                }
            }
        }
        carry = Array(accumulated[(outFrames * o)...])
        var output = Signal(frames: outFrames, channels: o, values: Array(accumulated[0 ..< outFrames * o]))
        for frame in 0 ..< outFrames { for channel in 0 ..< o { output.values[frame * o + channel] += bias[channel] } }
        return output
    }
}

/// SnakeBeta with its parameters stored in log space: `x + 1/(e^β + 1e-9) · sin²(x · e^α)`.
struct SnakeBeta: Sendable {
    let alpha: [Float]
    let inverseBeta: [Float]

    init(_ archive: SafetensorsArchive, prefix: String, channels: Int) throws {
        alpha = try archive.floats(prefix + "alpha", shape: [channels]).map { Foundation.exp($0) }
        inverseBeta = try archive.floats(prefix + "beta", shape: [channels]).map { 1 / (Foundation.exp($0) + 1e-9) }
    }

    func callAsFunction(_ input: Signal) -> Signal {
        var output = input
        let c = input.channels
        output.values.withUnsafeMutableBufferPointer { y in
            alpha.withUnsafeBufferPointer { a in
                inverseBeta.withUnsafeBufferPointer { b in
                    for frame in 0 ..< input.frames {
                        let row = y.baseAddress! + frame * c
                        for channel in 0 ..< c {
                            let s = Foundation.sin(row[channel] * a[channel])
                            row[channel] += b[channel] * s * s
                        }
                    }
                }
            }
        }
        return output
    }
}
