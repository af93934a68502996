import CKernels

/// Float32 1-D convolution (stride 1, one group) computed directly in register tiles, for
/// signals that are long in time and narrow in channels, as in vocoders: 8 output channels by 48
/// time steps (AVX-512), 4 by 24 (AVX2) or 4 by 16 (portable) accumulate over every input channel
/// and tap, chosen at run time. Where ``Conv1d`` issues one sgemm per tap (each packing its slice of the signal), this
/// reads the padded signal once per weight block and packs nothing per call.
///
/// The input can be activated while it is padded (LeakyReLU, as HiFi-GAN applies before every
/// convolution), and the output can take a residual and accumulate, so a residual block needs
/// no separate elementwise passes. Sums run in a different order than ``Conv1d``'s, so results
/// agree to float32 rounding, not bit for bit.
public struct DirectConv1d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let dilation: Int
    public let padding: Padding
    public let bias: Tensor?
    /// `[ceil(out/8), in, kernel, 8]` (see `sotto_conv1d_pack`).
    let packed: Tensor
    /// Instruction path (`SOTTO_PATH_*`); the best available by default. Tests pin lower ones.
    public var path: Int32 = Int32(SOTTO_PATH_BEST.rawValue)

    /// What happens to the input before it is convolved.
    public enum InputActivation: Sendable, Equatable {
        case none
        case leakyReLU(slope: Float)
    }

    /// Same arguments as ``Conv1d`` for stride 1 and one group: weight `[out, in, kernel]`.
    public init(weight: Tensor, bias: Tensor? = nil, padding: Padding = .none, dilation: Int = 1) {
        precondition(weight.rank == 3, "DirectConv1d weight must be [out, in, kernel], got \(weight.shape)")
        precondition(dilation >= 1, "dilation must be positive")
        let out = weight.shape[0], input = weight.shape[1], k = weight.shape[2]
        precondition(bias.map { $0.count == out } ?? true, "bias length must equal out channels")
        inChannels = input
        outChannels = out
        kernelSize = k
        self.dilation = dilation
        self.padding = padding
        self.bias = bias.map { $0.contiguous().reshaped([-1]) }
        let w = weight.contiguous()
        let packed = Tensor(zeros: [sotto_conv1d_packed_count(Int32(out), Int32(input), Int32(k))])
        withExtendedLifetime(w) { sotto_conv1d_pack(w.pointer, Int32(out), Int32(input), Int32(k), packed.pointer) }
        self.packed = packed
    }

    /// The best path this CPU runs (`SOTTO_PATH_AVX512`, `_AVX2` or `_SCALAR`).
    public static var bestPath: Int32 { sotto_conv1d_best_path() }

    public func outputLength(inputLength length: Int) -> Int {
        let span = dilation * (kernelSize - 1) + 1
        let padded = length + padding.left + padding.right
        precondition(padded >= span, "input of \(length) samples is shorter than the kernel span \(span)")
        return padded - span + 1
    }

    /// conv(act(x)) + bias in a new tensor from `workspace`.
    public func callAsFunction(_ x: Tensor, activation: InputActivation = .none, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([outChannels, outputLength(inputLength: x.shape[1])])
        apply(x, activation: activation, into: y, workspace: workspace)
        return y
    }

    /// Writes, for `x` `[in, T]` and `y` `[out, T']` (rows of both may be strided):
    /// `v = conv(act(x)) + bias (+ residual)`, `v = (accumulate ? y + v : v) / divisor`, then
    /// `y = leakyReLU(v, outputSlope)` (1: none). `residual` (`[out, T']`) may be `y` itself
    /// unless `accumulate` is set.
    public func apply(_ x: Tensor, activation: InputActivation = .none, into y: Tensor, residual: Tensor? = nil,
                      accumulate: Bool = false, divisor: Float = 1, outputSlope: Float = 1, workspace: Workspace) {
        precondition(x.rank == 2 && x.shape[0] == inChannels, "DirectConv1d expects [\(inChannels), T], got \(x.shape)")
        let length = x.shape[1], outLength = outputLength(inputLength: length)
        precondition(y.rank == 2 && y.shape[0] == outChannels && y.shape[1] == outLength && y.hasDenseRows,
                     "DirectConv1d output should be [\(outChannels), \(outLength)] with dense rows, got \(y.shape)")
        precondition(residual.map { $0.shape == y.shape && $0.hasDenseRows } ?? true, "residual must match the output")
        precondition(!(accumulate && residual?.storage === y.storage && residual?.offset == y.offset),
                     "an accumulating convolution cannot take its output as the residual")
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let input = x.denseRows(in: workspace)
        let paddedLength = length + padding.left + padding.right
        let rowStride = stagedRowStride(inputLength: length)
        let staged = workspace.tensor([inChannels, rowStride])
        withExtendedLifetime((input, staged)) {
            let src = input.pointer, dst = staged.pointer, ldx = input.rowStride
            parallelFor(inChannels, minimumPerThread: max(1, 32768 / max(paddedLength, 1))) { range in
                for c in range {
                    let row = dst + c * rowStride
                    padding.padRow(src + c * ldx, count: length, into: row)
                    if case .leakyReLU(let slope) = activation {
                        for i in 0 ..< paddedLength {
                            let v = row[i]
                            row[i] = v < 0 ? v * slope : v
                        }
                    }
                }
            }
        }
        let work = outChannels * inChannels * kernelSize
        // Whole 48-column register tiles per thread, and enough work to pay for a wake-up.
        let chunks = (outLength + 47) / 48
        let perThread = max(1, 200_000 / max(work * 48, 1))
        withExtendedLifetime((staged, y, residual, bias, packed)) {
            let biasPointer: UnsafePointer<Float>? = bias.map { UnsafePointer($0.pointer) }
            let residualPointer: UnsafePointer<Float>? = residual.map { UnsafePointer($0.pointer) }
            let ldr = residual?.rowStride ?? 0
            let out = y.pointer, ldo = y.rowStride
            let xs = UnsafePointer(staged.pointer), weights = UnsafePointer(packed.pointer)
            let path = self.path
            parallelParts(chunks, minimumPerThread: perThread) { _, range in
                let t0 = range.lowerBound * 48, t1 = min(outLength, range.upperBound * 48)
                guard t0 < t1 else { return }
                sotto_conv1d_f32(xs, rowStride, Int32(inChannels), Int32(kernelSize), Int32(dilation), weights,
                                 biasPointer, Int32(outChannels), residualPointer, ldr, out, ldo,
                                 accumulate ? 1 : 0, divisor, outputSlope, Int32(t0), Int32(t1), path)
            }
        }
    }

    /// Floats of workspace ``apply(_:activation:into:residual:accumulate:divisor:outputSlope:workspace:)``
    /// takes for an input of `length` columns whose rows are dense (it gives them back on return).
    public func scratchFloats(inputLength length: Int) -> Int {
        Workspace.footprint(inChannels * stagedRowStride(inputLength: length))
    }

    /// The padded input's row stride. One spare vector of columns: the kernels' masked loads
    /// never need it, but a row then never ends exactly at the arena's edge.
    private func stagedRowStride(inputLength length: Int) -> Int {
        (length + padding.left + padding.right + 16) / 16 * 16
    }

    /// The same computation on raw rows, single-threaded, for callers that tile a pipeline of
    /// convolutions themselves: output columns `0 ..< count` from an input that is already padded
    /// and activated (column `t + j·dilation` of each row, row stride `inputStride`, must exist).
    /// Output and residual rows have their own strides; the residual may be nil.
    public func applyStaged(_ x: UnsafePointer<Float>, inputStride: Int, count: Int, into out: UnsafeMutablePointer<Float>,
                            outputStride: Int, residual: UnsafePointer<Float>? = nil, residualStride: Int = 0,
                            accumulate: Bool = false, divisor: Float = 1, outputSlope: Float = 1) {
        guard count > 0 else { return }
        withExtendedLifetime((bias, packed)) {
            sotto_conv1d_f32(x, inputStride, Int32(inChannels), Int32(kernelSize), Int32(dilation),
                             UnsafePointer(packed.pointer), bias.map { UnsafePointer($0.pointer) }, Int32(outChannels),
                             residual, residualStride, out, outputStride, accumulate ? 1 : 0, divisor, outputSlope,
                             0, Int32(count), path)
        }
    }
}
