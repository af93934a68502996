import CKernels

/// 1-D convolution (stride 1, one group) on 8-bit weights, as quantised exports store them
/// (uint8, one zero point and one scale per tensor), for CPUs without matrix tiles.
///
/// Each call quantises its input to int16 with one scale and sums weight × activation products
/// exactly in int32 (AVX2 `vpmaddwd`: 16 multiply-adds per instruction where fp32 FMA does 8).
/// The activation range is chosen from the weights so no sum can overflow: with S the largest
/// Σ|w − zp| over one output channel's (input, tap) terms, activations use at most
/// min(32767, (2³¹ − 1) / S) levels each side. The only rounding is that of the input, at most
/// half a level, so each output differs from the same convolution in float by at most
/// `scale_w · scale_x / 2 · S`, i.e. (max|x| / levels) / 2 per unit of Σ|w|: with Kokoro's
/// weights 11–15 bits per activation, where an 8-bit activation (what onnxruntime's ConvInteger
/// uses) has 7 bits each side.
///
/// The weights stay one byte each, in blocks of 8 output channels (see `sotto_conv1d_u8_pack`).
///
/// Where the CPU has VNNI (AVX-512 VNNI, or AVX-VNNI beside AVX2), the input is quantised to 8
/// bits instead, exactly as onnxruntime's ConvInteger receives it from DynamicQuantizeLinear
/// (one scale and zero point per tensor), and the products run four to a lane with `vpdpbusd`
/// (see IntegerConv1dBytes).
public struct IntegerConv1d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let dilation: Int
    public let padding: Padding
    public let bias: Tensor?
    public let zeroPoint: UInt8
    public let weightScale: Float
    /// Largest magnitude of a quantised activation on the 16-bit path (the byte path quantises to
    /// 255 steps instead).
    public let activationLimit: Int32
    /// The weights in the form the kernel reads (see ``usesBytes``).
    let packed: [UInt8]
    /// Σ (w − zp) per output channel, for the byte path's exact correction.
    let weightSums: [Int32]
    /// Instruction path (`SOTTO_PATH_*`); the active tier's best by default. Tests pin lower ones.
    public let path: Int32
    /// The byte kernel's path (`SOTTO_PATH_AVX512` for AVX-512 VNNI, `_AVX2` for AVX-VNNI), or
    /// −1 where the input is quantised to 16 bits instead (no VNNI, or a lower path asked for).
    public let bytePath: Int32
    /// Whether the input is quantised to 8 bits and convolved with `vpdpbusd`.
    public var usesBytes: Bool { bytePath >= 0 }

    /// `weight` holds `[out, in, kernel]` uint8 values in PyTorch's layout; the float weight is
    /// `(weight − zeroPoint) · scale`.
    /// `bytes: false` keeps 16-bit activations where the CPU has VNNI too (tests pin it to check
    /// the 16-bit kernels there).
    public init(weight: UnsafeBufferPointer<UInt8>, shape: [Int], zeroPoint: UInt8, scale: Float,
                bias: Tensor? = nil, padding: Padding = .none, dilation: Int = 1,
                path: Int32 = Int32(SOTTO_PATH_BEST.rawValue), bytes: Bool = true) {
        precondition(shape.count == 3 && weight.count == shape[0] * shape[1] * shape[2],
                     "IntegerConv1d weight must be [out, in, kernel], got \(shape) for \(weight.count) values")
        precondition(dilation >= 1, "dilation must be positive")
        let out = shape[0], input = shape[1], k = shape[2]
        precondition(bias.map { $0.count == out } ?? true, "bias length must equal out channels")
        inChannels = input
        outChannels = out
        kernelSize = k
        self.dilation = dilation
        self.padding = padding
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
        self.zeroPoint = zeroPoint
        weightScale = scale
        let base = weight.baseAddress!
        self.path = path
        bytePath = bytes ? sotto_conv1d_q8_path(path) : -1
        // Only the 16-bit path scales its activations to fit int32 sums (bytes always fit).
        let rowSum = bytePath >= 0 ? 1 : max(1, sotto_conv1d_u8_row_abs_sum_max(base, Int32(out), Int32(input), Int32(k), zeroPoint))
        activationLimit = Int32(min(32767, Int64(Int32.max) / rowSum))
        if bytePath >= 0 {
            var packed = [UInt8](repeating: 0, count: sotto_conv1d_q8_packed_bytes(Int32(out), Int32(input), Int32(k)))
            packed.withUnsafeMutableBytes {
                sotto_conv1d_q8_pack(base, Int32(out), Int32(input), Int32(k), $0.baseAddress!.assumingMemoryBound(to: Int8.self))
            }
            var sums = [Int32](repeating: 0, count: out)
            sums.withUnsafeMutableBufferPointer {
                sotto_conv1d_q8_weight_sums(base, Int32(out), Int32(input), Int32(k), zeroPoint, $0.baseAddress!)
            }
            self.packed = packed
            weightSums = sums
        } else {
            var packed = [UInt8](repeating: 0, count: sotto_conv1d_u8_packed_bytes(Int32(out), Int32(input), Int32(k)))
            packed.withUnsafeMutableBufferPointer { sotto_conv1d_u8_pack(base, Int32(out), Int32(input), Int32(k), zeroPoint, $0.baseAddress!) }
            self.packed = packed
            weightSums = []
        }
    }

    /// The weights as floats `[out, in, kernel]` (for tests and for the float fallback).
    public func floatWeight() -> Tensor {
        let w = Tensor(zeros: [outChannels, inChannels, kernelSize])
        let group = usesBytes ? 4 : 2, groups = (inChannels + group - 1) / group
        let block = Int(usesBytes ? SOTTO_CONV1D_Q8_BLOCK : SOTTO_CONV1D_S16_BLOCK)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for j in 0..<kernelSize {
                    let at = ((((o / block) * kernelSize + j) * groups + c / group) * block + o % block) * group + c % group
                    // The byte path holds w − 128 as int8.
                    let byte = usesBytes ? Float(Int8(bitPattern: packed[at])) + 128 : Float(packed[at])
                    w.pointer[(o * inChannels + c) * kernelSize + j] = (byte - Float(zeroPoint)) * weightScale
                }
            }
        }
        return w
    }

    /// The best path the active tier runs with 16-bit activations (`SOTTO_PATH_AVX2` or
    /// `_SCALAR`); ``bytePath`` says whether the byte kernel runs instead.
    public static var bestPath: Int32 { sotto_conv1d_s16_best_path() }

    /// Bytes of weights held.
    public var weightBytes: Int { packed.count }

    public func outputLength(inputLength length: Int) -> Int {
        let span = dilation * (kernelSize - 1) + 1
        let padded = length + padding.left + padding.right
        precondition(padded >= span, "input of \(length) samples is shorter than the kernel span \(span)")
        return padded - span + 1
    }

    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, into: y, workspace: workspace)
        return y
    }

    /// Writes `conv(x) + bias` into `y` `[out, T']`, or adds it to `y` when `accumulate` is set
    /// (a residual connection without a separate pass). Rows of `x` may be strided. With `snake`
    /// the convolution reads `snake(x)` (padding still zeros, or mirrored/repeated snake values),
    /// computed while the input is quantised, so it is never written out in float.
    public func apply(_ x: Tensor, snake: ChannelSnake? = nil, into y: Tensor, accumulate: Bool = false, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "IntegerConv1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1], outLength = outputLength(inputLength: length)
        precondition(y.rank == 2 && y.shape[0] == outChannels && y.shape[1] == outLength,
                     "IntegerConv1d output should be [\(outChannels), \(outLength)], got \(y.shape)")
        precondition(snake.map { $0.channels == inChannels } ?? true, "snake has a slope per input channel")
        if usesBytes {
            applyBytes(x, snake: snake, into: y, accumulate: accumulate, workspace: workspace)
            return
        }
        let largest = snake?.largest ?? Self.largestMagnitude(x)
        let limit = activationLimit
        let inverse: Float = largest > 0 && largest.isFinite ? Float(limit) / largest : 0
        let scale = weightScale * (inverse > 0 ? largest / Float(limit) : 0)
        let tile = Int(SOTTO_CONV1D_S16_TILE)
        // Two channels' int16 values side by side per column.
        let packing = Packing(channels: 2, tile: tile) { rows, rowStride, present, count, out in
            sotto_s16_interleave_pair(rows, present > 1 ? rows + rowStride : nil, Int32(count), inverse, limit,
                                      out.assumingMemoryBound(to: Int16.self))
        }
        let path = self.path
        let blockRows = Int(SOTTO_CONV1D_S16_BLOCK), blockBytes = kernelSize * ((inChannels + 1) / 2) * blockRows * 2
        withExtendedLifetime((y, bias)) {
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let out = y.pointer, ldo = y.rowStride
            packed.withUnsafeBufferPointer { weights in
                let w = weights.baseAddress!
                convolve(x, snake: snake, packing, window: tile * 40, sweep: tile * 20, blockRows: blockRows,
                         minimumWork: 2_000_000, outLength: outLength, workspace: workspace) { words, stride, column, t0, t1, b0, rows in
                    sotto_conv1d_s16(words.assumingMemoryBound(to: Int16.self), stride, Int32(inChannels),
                                     Int32(kernelSize), Int32(dilation), w + b0 * blockBytes, zeroPoint, scale,
                                     biasPointer.map { $0 + b0 * blockRows }, Int32(rows), out + b0 * blockRows * ldo + column,
                                     ldo, accumulate ? 1 : 0, Int32(t0), Int32(t1), path)
                }
            }
        }
    }

    /// max |x| over the finite values of a `[C, T]` tensor (NaN and infinities are left to the
    /// quantiser, which clamps them).
    static func largestMagnitude(_ x: Tensor) -> Float {
        withExtendedLifetime(x) {
            if x.hasDenseRows && x.rowStride == x.shape[1] {
                return sotto_abs_max_finite(x.pointer, x.count)
            }
            return (0..<x.shape[0]).reduce(Float(0)) { max($0, sotto_abs_max_finite(x.pointer + $1 * x.rowStride, x.shape[1])) }
        }
    }
}
