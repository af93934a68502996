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
    /// Largest magnitude of a quantised activation.
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
        let rowSum = max(1, sotto_conv1d_u8_row_abs_sum_max(base, Int32(out), Int32(input), Int32(k), zeroPoint))
        activationLimit = Int32(min(32767, Int64(Int32.max) / rowSum))
        self.path = path
        bytePath = bytes ? sotto_conv1d_q8_path(path) : -1
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

    /// The best path the active tier runs (`SOTTO_PATH_AVX512` with VNNI, `_AVX2` or `_SCALAR`).
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
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let largest = snake?.largest ?? Self.largestMagnitude(x)
        let limit = activationLimit
        let inverse: Float = largest > 0 && largest.isFinite ? Float(limit) / largest : 0
        let activationScale: Float = inverse > 0 ? largest / Float(limit) : 0
        let window = Int(SOTTO_CONV1D_S16_TILE) * 40
        let windows = (outLength + window - 1) / window
        if padding.mode == .zeros, windows >= 2 * KernelThreads.count {
            applyByWindows(x, snake: snake, window: window, inverse: inverse, scale: weightScale * activationScale,
                           into: y, accumulate: accumulate, workspace: workspace)
            return
        }

        let paddedLength = length + padding.left + padding.right
        let tile = Int(SOTTO_CONV1D_S16_TILE)
        // Readable columns past the output's last tile (see `sotto_conv1d_s16`), rounded to whole
        // cache lines of pairs.
        let stride = (paddedLength + tile + 15) / 16 * 16
        let pairs = (inChannels + 1) / 2
        // int16 pairs: one float's worth of bytes per column per pair.
        let staged = workspace.tensor([pairs, stride])
        let rowScratch = 2 * (paddedLength + 1)
        let grain = max(1, 16384 / max(paddedLength, 1))
        let parts = parallelPartCount(pairs, minimumPerThread: grain)
        withExtendedLifetime((x, staged)) {
            let dst = UnsafeMutableRawPointer(staged.pointer).assumingMemoryBound(to: Int16.self)
            workspace.withScratch(parts * rowScratch) { scratch in
                parallelParts(pairs, minimumPerThread: grain) { part, range in
                    let a = scratch + part * rowScratch, b = a + paddedLength
                    for p in range {
                        let c = 2 * p
                        stageRow(x, channel: c, snake: snake, into: a)
                        let second = c + 1 < inChannels
                        if second { stageRow(x, channel: c + 1, snake: snake, into: b) }
                        let row = dst + p * stride * 2
                        sotto_s16_interleave_pair(a, second ? UnsafePointer(b) : nil, Int32(paddedLength), inverse, limit, row)
                        (row + 2 * paddedLength).update(repeating: 0, count: 2 * (stride - paddedLength))
                    }
                }
            }
        }

        let scale = weightScale * activationScale
        let blockRows = Int(SOTTO_CONV1D_S16_BLOCK), blockBytes = kernelSize * pairs * blockRows * 2
        withExtendedLifetime((staged, y, bias)) {
            let xs = UnsafeRawPointer(staged.pointer).assumingMemoryBound(to: Int16.self)
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let out = y.pointer, ldo = y.rowStride, path = self.path
            packed.withUnsafeBufferPointer { weights in
                let w = weights.baseAddress!
                forEachPart(outLength: outLength, sweep: tile * 20, blockRows: blockRows, minimumWork: 2_000_000) { t0, t1, b0, rows in
                    sotto_conv1d_s16(xs, stride, Int32(inChannels), Int32(kernelSize), Int32(dilation),
                                     w + b0 * blockBytes, zeroPoint, scale, biasPointer.map { $0 + b0 * blockRows },
                                     Int32(rows), out + b0 * blockRows * ldo, ldo, accumulate ? 1 : 0,
                                     Int32(t0), Int32(t1), path)
                }
            }
        }
    }

    /// Runs `body(t0, t1, firstBlock, rows)` on the kernel threads for parts of the output: sweeps
    /// of `sweep` columns, and for a short signal (the decoder's frame-rate convolutions) groups
    /// of `blockRows`-row output blocks too, so every thread gets work; a part is at least
    /// `minimumWork` multiply-adds where there are enough.
    func forEachPart(outLength: Int, sweep: Int, blockRows: Int, minimumWork: Int,
                     _ body: (_ t0: Int, _ t1: Int, _ firstBlock: Int, _ rows: Int) -> Void) {
        let chunks = (outLength + sweep - 1) / sweep
        let blocks = (outChannels + blockRows - 1) / blockRows
        let wanted = 2 * KernelThreads.count
        let groups = chunks >= wanted ? 1 : min(blocks, (wanted + chunks - 1) / chunks)
        let work = (blocks / groups) * blockRows * inChannels * kernelSize * sweep
        parallelParts(chunks * groups, minimumPerThread: max(1, minimumWork / max(work, 1))) { _, range in
            for part in range {
                let chunk = part / groups, group = part % groups
                let b0 = group * blocks / groups, b1 = (group + 1) * blocks / groups
                let t0 = chunk * sweep, t1 = min(outLength, t0 + sweep)
                let rows = min(outChannels, b1 * blockRows) - b0 * blockRows
                guard t0 < t1, rows > 0 else { continue }
                body(t0, t1, b0, rows)
            }
        }
    }

    /// A long signal, window by window of `window` output columns: each thread quantises the
    /// input columns one window reads (the window plus the kernel's span) into scratch of its own
    /// and convolves them while they are in cache. No quantised copy of the whole input is held,
    /// and each input column is mapped and quantised once (a thread's windows are consecutive, and
    /// the overlap of two is carried over). Zero padding only.
    private func applyByWindows(_ x: Tensor, snake: ChannelSnake?, window: Int, inverse: Float, scale: Float,
                                into y: Tensor, accumulate: Bool, workspace: Workspace) {
        let outLength = y.shape[1], windows = (outLength + window - 1) / window
        let span = dilation * (kernelSize - 1) + 1, tile = Int(SOTTO_CONV1D_S16_TILE)
        let columns = window + span - 1
        // Readable columns past a window's last tile (see `sotto_conv1d_s16`), whole cache lines.
        let stride = (columns + tile + 15) / 16 * 16
        let pairs = (inChannels + 1) / 2
        // int16 pairs take one float's bytes per column; then two float rows to stage from.
        let perPart = pairs * stride + 2 * columns
        let parts = parallelPartCount(windows)
        let limit = activationLimit, path = self.path
        workspace.withScratch(parts * perPart) { scratch in
            withExtendedLifetime((x, y, bias)) {
                let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
                let out = y.pointer, ldo = y.rowStride
                packed.withUnsafeBufferPointer { weights in
                    let w = weights.baseAddress!
                    parallelParts(windows) { part, range in
                        let base = scratch + part * perPart
                        let staged = UnsafeMutableRawPointer(base).assumingMemoryBound(to: Int16.self)
                        let a = base + pairs * stride, b = a + columns
                        for index in range {
                            let t0 = index * window, t1 = min(outLength, t0 + window)
                            let width = t1 - t0 + span - 1
                            // A range's windows are consecutive: the previous one staged this
                            // one's first span − 1 columns as its last (every window but the
                            // signal's last is full), so they are moved, not mapped again.
                            let kept = index > range.lowerBound ? span - 1 : 0
                            let fresh = width - kept
                            for p in 0..<pairs {
                                let c = 2 * p, second = c + 1 < inChannels
                                let row = staged + p * stride * 2
                                if kept > 0 { row.update(from: row + 2 * window, count: 2 * kept) }
                                stageColumns(x, channel: c, from: t0 + kept, count: fresh, snake: snake, into: a)
                                if second { stageColumns(x, channel: c + 1, from: t0 + kept, count: fresh, snake: snake, into: b) }
                                sotto_s16_interleave_pair(a, second ? UnsafePointer(b) : nil, Int32(fresh), inverse, limit,
                                                          row + 2 * kept)
                                (row + 2 * width).update(repeating: 0, count: 2 * (stride - width))
                            }
                            sotto_conv1d_s16(UnsafePointer(staged), stride, Int32(inChannels), Int32(kernelSize), Int32(dilation),
                                             w, zeroPoint, scale, biasPointer, Int32(outChannels), out + t0, ldo,
                                             accumulate ? 1 : 0, 0, Int32(t1 - t0), path)
                        }
                    }
                }
            }
        }
    }

    /// Columns `u0 ..< u0 + count` of the zero-padded input row `c` (through `snake` if given).
    @inline(__always)
    func stageColumns(_ x: Tensor, channel c: Int, from u0: Int, count: Int, snake: ChannelSnake?,
                      into row: UnsafeMutablePointer<Float>) {
        let length = x.shape[1]
        let lead = min(count, max(0, padding.left - u0))
        let start = max(0, u0 - padding.left)
        let n = max(0, min(length, u0 + count - padding.left) - start)
        row.update(repeating: 0, count: lead)
        let data = row + lead, src = x.pointer + c * x.rowStride + start
        if let snake { snake.apply(channel: c, src, into: data, count: n) } else { data.update(from: src, count: n) }
        (data + n).update(repeating: 0, count: count - lead - n)
    }

    /// One padded input row as the convolution reads it: `x` row `c`, through `snake` if given.
    @inline(__always)
    func stageRow(_ x: Tensor, channel c: Int, snake: ChannelSnake?, into row: UnsafeMutablePointer<Float>) {
        let length = x.shape[1]
        padding.padRow(x.pointer + c * x.rowStride, count: length, into: row)
        guard let snake else { return }
        // Zero padding stays zero; mirrored or repeated samples go through the map like the rest.
        if padding.mode == .zeros {
            snake.apply(channel: c, row + padding.left, into: row + padding.left, count: length)
        } else {
            snake.apply(channel: c, row, into: row, count: length + padding.left + padding.right)
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
