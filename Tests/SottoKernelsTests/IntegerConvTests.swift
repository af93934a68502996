import CKernels
import SottoKernels
import Testing

@Suite struct IntegerConvTests {
    typealias Case = DirectConvTests.Case

    /// Odd channel counts (a zero partner channel), output channels that are and are not whole
    /// 8-row blocks, lengths shorter and longer than the 12-column tile and the 240-column sweep,
    /// and Kokoro's generator shapes.
    static let cases = [
        Case(cin: 1, cout: 3, k: 1, dilation: 1, t: 5, padding: .none),
        Case(cin: 7, cout: 13, k: 3, dilation: 2, t: 50, padding: .symmetric(2)),
        Case(cin: 20, cout: 40, k: 5, dilation: 1, t: 97, padding: Padding(left: 1, right: 3)),
        Case(cin: 64, cout: 24, k: 3, dilation: 1, t: 1030, padding: .symmetric(1)),
        Case(cin: 3, cout: 9, k: 4, dilation: 1, t: 17, padding: Padding(left: 2, right: 1, mode: .reflect)),
        Case(cin: 128, cout: 128, k: 11, dilation: 5, t: 300, padding: .symmetric(25)),
        Case(cin: 256, cout: 256, k: 7, dilation: 3, t: 61, padding: .symmetric(9)),
        // A short signal split by output blocks too, the last block partial.
        Case(cin: 40, cout: 100, k: 3, dilation: 1, t: 20, padding: .symmetric(1)),
        // Long enough to be convolved window by window (the last window partial) on any thread count.
        Case(cin: 21, cout: 20, k: 7, dilation: 3, t: 5003, padding: .symmetric(9)),
        Case(cin: 16, cout: 16, k: 11, dilation: 5, t: 3900, padding: Padding(left: 30, right: 20)),
    ]

    /// Every 16-bit path the active tier runs, the portable one included.
    static var paths: [Int32] {
        [Int32(SOTTO_PATH_SCALAR.rawValue), Int32(SOTTO_PATH_AVX2.rawValue)].filter { $0 <= IntegerConv1d.bestPath }
    }

    /// One kernel per distinct way the active tier convolves: 16-bit activations on the portable
    /// and the AVX2 path, and 8-bit ones on each byte path the CPU has (AVX-VNNI, AVX-512 VNNI).
    struct Variant: CustomStringConvertible {
        let path: Int32
        let bytes: Bool
        var description: String { "path \(path)\(bytes ? " bytes" : "")" }
    }

    static var variants: [Variant] {
        paths.map { Variant(path: $0, bytes: false) } + bytePaths.map { Variant(path: $0, bytes: true) }
    }

    struct Layer {
        let bytes: [UInt8]
        let zeroPoint: UInt8
        let scale: Float
        let float: Tensor
        let bias: Tensor

        init(_ random: inout SeededRandom, cout: Int, cin: Int, k: Int, zeroPoint: UInt8? = nil) {
            let zp = zeroPoint ?? UInt8(38 + random.nextUInt() % 51)
            let values = (0..<(cout * cin * k)).map { _ in UInt8(random.nextUInt() % 256) }
            let s = Float(random.uniform(0.001, 0.02))
            bytes = values
            self.zeroPoint = zp
            scale = s
            float = Tensor(shape: [cout, cin, k], values: values.map { (Float($0) - Float(zp)) * s })
            bias = random.tensor([cout])
        }

        func conv(padding: Padding, dilation: Int, path: Int32, bytes activationBytes: Bool = true) -> IntegerConv1d {
            bytes.withUnsafeBufferPointer {
                IntegerConv1d(weight: $0, shape: Array(float.shape), zeroPoint: zeroPoint, scale: scale, bias: bias,
                              padding: padding, dilation: dilation, path: path, bytes: activationBytes)
            }
        }

        func conv(padding: Padding, dilation: Int, _ variant: Variant) -> IntegerConv1d {
            conv(padding: padding, dilation: dilation, path: variant.path, bytes: variant.bytes)
        }

        /// Σ|w − zp| of output channel o.
        func rowAbsSum(_ o: Int) -> Double {
            let n = bytes.count / float.shape[0]
            return bytes[(o * n)..<((o + 1) * n)].reduce(0.0) { $0 + abs(Double($1) - Double(zeroPoint)) }
        }
    }

    /// The only approximation is the input's rounding to its level, half a level per value:
    /// |error| ≤ scale_w · level / 2 · Σ|w − zp|, plus fp32 rounding of the result (the integer
    /// sum itself is exact). The level is max|x| / limit for 16-bit activations, and the range
    /// stretched to include 0 over 255 steps for 8-bit ones (DynamicQuantizeLinear's).
    static func tolerance(_ layer: Layer, _ conv: IntegerConv1d, lowest: Float, highest: Float, length: Int,
                          absSums: [Double]) -> (Int) -> Double {
        let level = conv.usesBytes ? Double(max(0, highest) - min(0, lowest)) / 255
                                   : Double(max(abs(lowest), abs(highest))) / Double(conv.activationLimit)
        let step = Double(layer.scale) * level
        return { i in 0.5 * step * layer.rowAbsSum(i / length) + 1e-6 * absSums[i] + 1e-6 }
    }

    @Test(arguments: cases)
    func matchesTheFloatConvolution(_ c: Case) {
        var random = SeededRandom(seed: UInt64(c.cin * 131 + c.k * 7 + c.t))
        let layer = Layer(&random, cout: c.cout, cin: c.cin, k: c.k)
        let x = random.tensor([c.cin, c.t], -3, 3)
        let reference = referenceConv1d(x: x, weight: layer.float, bias: layer.bias, stride: 1, padding: c.padding,
                                        dilation: c.dilation, groups: 1)
        let values = x.toArray()
        for variant in Self.variants {
            let conv = layer.conv(padding: c.padding, dilation: c.dilation, variant)
            #expect(conv.outputLength(inputLength: c.t) == reference.length)
            let y = conv(x, workspace: Workspace())
            expectClose(y.toArray(), reference.values,
                        tolerance: Self.tolerance(layer, conv, lowest: values.min()!, highest: values.max()!,
                                                  length: reference.length, absSums: reference.absSums),
                        "\(c.testDescription) \(variant)")
        }
    }

    /// The vector paths with 16-bit activations compute the same integer sums as the portable
    /// one. (The byte path rounds its input to other levels; it has a reference of its own.)
    @Test func pathsAgree() {
        var random = SeededRandom(seed: 11)
        let layer = Layer(&random, cout: 40, cin: 33, k: 7)
        let x = random.tensor([33, 500])
        let convs = Self.variants.filter { !$0.bytes }.map { layer.conv(padding: .symmetric(9), dilation: 3, $0) }
        #expect(convs.count == Self.paths.count)
        let outputs = convs.map { $0(x, workspace: Workspace()).toArray() }
        for other in outputs.dropFirst() {
            for i in other.indices {
                #expect(abs(other[i] - outputs[0][i]) <= 1e-6 * max(1, abs(outputs[0][i])), "element \(i)")
            }
        }
    }

    /// Every weight at the far end of its range and every input at ±max: the sums reach the
    /// activation limit's bound and must not wrap.
    @Test func extremeWeightsDoNotOverflow() {
        let cin = 512, cout = 8, k = 11, t = 40
        let bytes = [UInt8](repeating: 255, count: cout * cin * k)
        let x = Tensor(shape: [cin, t], values: (0..<(cin * t)).map { $0 % 3 == 0 ? -7.5 : 7.5 })
        let weight = Tensor(shape: [cout, cin, k], values: bytes.map { _ in Float(255) * 0.01 })
        let reference = referenceConv1d(x: x, weight: weight, bias: nil, stride: 1, padding: .symmetric(25),
                                        dilation: 5, groups: 1)
        // The byte path reads the input at 8 bits (7.5 saturates at 127 steps of 15/255).
        let byteReference = referenceConv1d(x: Self.dynamicallyQuantized(x), weight: weight, bias: nil, stride: 1,
                                            padding: .symmetric(25), dilation: 5, groups: 1)
        for variant in Self.variants {
            let conv = bytes.withUnsafeBufferPointer {
                IntegerConv1d(weight: $0, shape: [cout, cin, k], zeroPoint: 0, scale: 0.01, padding: .symmetric(25), dilation: 5,
                              path: variant.path, bytes: variant.bytes)
            }
            if !conv.usesBytes { #expect(conv.activationLimit < 32767) }
            let y = conv(x, workspace: Workspace()).toArray()
            let expected = conv.usesBytes ? byteReference : reference
            for i in y.indices {
                #expect(abs(Double(y[i]) - expected.values[i]) <= 1e-4 * expected.absSums[i], "element \(i) \(variant)")
            }
        }
    }

    /// accumulate adds the convolution onto what the output holds (a residual connection).
    @Test func accumulates() {
        var random = SeededRandom(seed: 3)
        let layer = Layer(&random, cout: 16, cin: 16, k: 3)
        let x = random.tensor([16, 100]), start = random.tensor([16, 100])
        for variant in Self.variants {
            let conv = layer.conv(padding: .symmetric(1), dilation: 1, variant)
            let plain = conv(x, workspace: Workspace()).toArray()
            let y = Tensor(shape: [16, 100], values: start.toArray())
            conv.apply(x, into: y, accumulate: true, workspace: Workspace())
            let s = start.toArray(), got = y.toArray()
            for i in got.indices { #expect(abs(got[i] - (s[i] + plain[i])) <= 1e-5 * (1 + abs(s[i]) + abs(plain[i]))) }
        }
    }

    /// A per-channel AdaIN+Snake map applied while quantising gives the convolution of the
    /// mapped input (as if it had been written out first), short signals and long, plain and
    /// accumulating; the bound for its largest output is the input's largest mapped value.
    @Test(arguments: [(30, 150), (30, 4000)])
    func readsTheSnakeOfItsInput(_ channels: Int, _ length: Int) {
        var random = SeededRandom(seed: UInt64(length))
        let layer = Layer(&random, cout: 24, cin: channels, k: 5)
        let x = random.tensor([channels, length], -2, 2)
        let rows = (0..<channels).map { Array(x.toArray()[($0 * length)..<(($0 + 1) * length)]) }
        let snake = ChannelSnake(scale: (0..<channels).map { _ in Float(random.uniform(-1.5, 1.5)) },
                                 shift: (0..<channels).map { _ in Float(random.uniform(-0.5, 0.5)) },
                                 alpha: (0..<channels).map { _ in Float(random.uniform(0.2, 3)) },
                                 minimum: rows.map { $0.min()! }, maximum: rows.map { $0.max()! })
        let mapped = Tensor(zeros: [channels, length])
        snake.apply(x, into: mapped)
        let truth = mapped.toArray().map(abs).max()!
        #expect(snake.largest <= truth && snake.largest >= truth * (1 - 1e-6), "bound \(snake.largest) vs \(truth)")
        let lowest = mapped.toArray().min()!, highest = mapped.toArray().max()!
        #expect(abs(snake.lowest - lowest) <= 1e-6 * truth && abs(snake.highest - highest) <= 1e-6 * truth,
                "range [\(snake.lowest), \(snake.highest)] vs [\(lowest), \(highest)]")
        let padding = Padding.symmetric(4)
        let reference = referenceConv1d(x: mapped, weight: layer.float, bias: layer.bias, stride: 1, padding: padding,
                                        dilation: 2, groups: 1)
        let start = random.tensor([24, reference.length])
        for variant in Self.variants {
            let conv = layer.conv(padding: padding, dilation: 2, variant)
            let tolerance = Self.tolerance(layer, conv, lowest: snake.lowest, highest: snake.highest, length: reference.length,
                                           absSums: reference.absSums)
            let y = Tensor(zeros: [24, reference.length])
            conv.apply(x, snake: snake, into: y, workspace: Workspace())
            expectClose(y.toArray(), reference.values, tolerance: tolerance, "snake, \(length) columns, \(variant)")
            let sum = Tensor(shape: [24, reference.length], values: start.toArray())
            conv.apply(x, snake: snake, into: sum, accumulate: true, workspace: Workspace())
            let s = start.toArray()
            expectClose(sum.toArray(), zip(s, reference.values).map { Double($0) + $1 },
                        tolerance: { tolerance($0) + 1e-6 * Double(abs(s[$0])) }, "snake accumulated, \(variant)")
        }
    }

    /// The paths that run the byte kernel here (AVX-VNNI, AVX-512 VNNI), each asked for by name.
    static var bytePaths: [Int32] {
        [Int32(SOTTO_PATH_AVX2.rawValue), Int32(SOTTO_PATH_AVX512.rawValue)].filter { sotto_conv1d_q8_path($0) == $0 }
    }

    /// The byte path is DynamicQuantizeLinear then ConvInteger, as onnxruntime runs a quantised
    /// export: against the float convolution of the input quantised and dequantised that way
    /// (zero padding is a quantised zero, the zero point), only float32 rounding differs, on
    /// every byte path the CPU has. Inputs all of one sign too, where the range is stretched to
    /// include 0.
    @Test(.enabled(if: !IntegerConvTests.bytePaths.isEmpty, "needs VNNI (AVX-512 VNNI or AVX-VNNI)"),
          arguments: [(-3 as Float, 3 as Float), (0.5, 4), (-6, -1)])
    func bytePathIsDynamicQuantizeLinearThenConvInteger(_ low: Float, _ high: Float) {
        var random = SeededRandom(seed: UInt64(100 + high))
        for c in [Self.cases[1], Self.cases[5], Self.cases[8]] {
            let layer = Layer(&random, cout: c.cout, cin: c.cin, k: c.k)
            let x = random.tensor([c.cin, c.t], Double(low), Double(high))
            let reference = referenceConv1d(x: Self.dynamicallyQuantized(x), weight: layer.float,
                                            bias: layer.bias, stride: 1, padding: c.padding, dilation: c.dilation, groups: 1)
            for path in Self.bytePaths {
                let conv = layer.conv(padding: c.padding, dilation: c.dilation, path: path)
                #expect(conv.bytePath == sotto_conv1d_q8_path(path))
                let y = conv(x, workspace: Workspace()).toArray()
                expectClose(y, reference.values, tolerance: { 2e-6 * reference.absSums[$0] + 1e-6 },
                            "\(c.testDescription) bytes, path \(conv.bytePath)")
            }
        }
    }

    /// `x` quantised by DynamicQuantizeLinear (range stretched to include 0, 255 steps, rounding
    /// half to even) and dequantised: the input the byte path convolves.
    static func dynamicallyQuantized(_ x: Tensor) -> Tensor {
        let values = x.toArray()
        let rangeLow = min(0, values.min()!), rangeHigh = max(0, values.max()!)
        let scale = (rangeHigh - rangeLow) / 255
        let zeroPoint = min(255, max(0, (-rangeLow / scale).rounded(.toNearestOrEven)))
        return Tensor(shape: x.shape, values: values.map { v -> Float in
            let q = min(255, max(0, (v * (1 / scale)).rounded(.toNearestOrEven) + zeroPoint))
            return (q - zeroPoint) * scale
        })
    }

    /// An all-zero input gives the bias alone; the float weights read back as stored.
    @Test func zeroInputAndWeightsReadBack() {
        var random = SeededRandom(seed: 8)
        let layer = Layer(&random, cout: 10, cin: 5, k: 3)
        let conv = layer.conv(padding: .symmetric(1), dilation: 1, path: Int32(SOTTO_PATH_BEST.rawValue))
        let y = conv(Tensor(zeros: [5, 20]), workspace: Workspace())
        let b = layer.bias.toArray()
        for o in 0..<10 { for t in 0..<20 { #expect(y[o, t] == b[o]) } }
        #expect(conv.floatWeight().toArray() == layer.float.toArray())
    }
}
