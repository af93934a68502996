/// Padding of the time axis of a `[channels, time]` tensor, left and right separately (causal
/// convolutions pad only on the left).
public struct Padding: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case zeros
        /// Mirror without repeating the edge sample (PyTorch `reflect`): x[-1] = x[1].
        case reflect
        /// Repeat the edge sample.
        case replicate
    }

    public var left: Int
    public var right: Int
    public var mode: Mode

    public init(left: Int, right: Int, mode: Mode = .zeros) {
        precondition(left >= 0 && right >= 0, "negative padding")
        self.left = left
        self.right = right
        self.mode = mode
    }

    public static let none = Padding(left: 0, right: 0)

    /// `amount` samples on both sides.
    public static func symmetric(_ amount: Int, mode: Mode = .zeros) -> Padding {
        Padding(left: amount, right: amount, mode: mode)
    }

    /// Everything on the left: output t sees inputs up to t only.
    public static func causal(kernelSize: Int, dilation: Int = 1, mode: Mode = .zeros) -> Padding {
        Padding(left: (kernelSize - 1) * dilation, right: 0, mode: mode)
    }

    /// Keeps the length at stride 1 for odd kernels ("same").
    public static func same(kernelSize: Int, dilation: Int = 1, mode: Mode = .zeros) -> Padding {
        let total = (kernelSize - 1) * dilation
        return Padding(left: total / 2, right: total - total / 2, mode: mode)
    }

    /// Writes one padded row: `dst` receives left + n + right samples built from `src[0..<n]`.
    @inline(__always)
    func padRow(_ src: UnsafePointer<Float>, count n: Int, into dst: UnsafeMutablePointer<Float>) {
        (dst + left).update(from: src, count: n)
        switch mode {
        case .zeros:
            dst.update(repeating: 0, count: left)
            (dst + left + n).update(repeating: 0, count: right)
        case .reflect:
            precondition(left < n && right < n, "reflect padding \(left)/\(right) needs more than \(n) samples")
            for i in 0..<left { dst[left - 1 - i] = src[i + 1] }
            for i in 0..<right { dst[left + n + i] = src[n - 2 - i] }
        case .replicate:
            precondition(n > 0 || (left == 0 && right == 0), "cannot replicate an empty row")
            if n > 0 {
                dst.update(repeating: src[0], count: left)
                (dst + left + n).update(repeating: src[n - 1], count: right)
            }
        }
    }

    /// Pads `x` `[C, T]` into `y` `[C, left + T + right]`.
    public func apply(_ x: Tensor, into y: Tensor) {
        precondition(x.rank == 2 && y.rank == 2 && y.shape[0] == x.shape[0] && y.shape[1] == x.shape[1] + left + right,
                     "padding \(x.shape) by \(left)+\(right) cannot give \(y.shape)")
        let xs = x.hasDenseRows ? x : x.contiguous()
        precondition(y.hasDenseRows, "padded output needs dense rows")
        withExtendedLifetime((xs, y)) {
            for c in 0..<x.shape[0] {
                padRow(xs.pointer + c * xs.strides[0], count: x.shape[1], into: y.pointer + c * y.strides[0])
            }
        }
    }

    /// Padded copy of `x` `[C, T]` from `workspace`.
    public func callAsFunction(_ x: Tensor, workspace: Workspace) -> Tensor {
        let y = workspace.tensor([x.shape[0], x.shape[1] + left + right])
        apply(x, into: y)
        return y
    }
}
