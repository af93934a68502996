import CKernels
import COpenBLAS
import Glibc
import SottoKernels

// Measures the kernels on this machine. Speed is reported, never asserted.
// Usage: kernel-bench [--threads N] [--runs N] [sgemm|conv|convtier|convtile|convt|lstm|math|gemv|decode|attention|stft|all]

// OpenBLAS runs the kernels the sotto binary would give this tier, so sgemm is measured as it runs.
OpenBLASCore.reexecIfWorthwhile()

struct Options {
    var threads = KernelThreads.processorCount
    var runs = 7
    var sections: Set<String> = []
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    while let a = args.popFirst() {
        switch a {
        case "--threads": o.threads = Int(args.popFirst() ?? "") ?? o.threads
        case "--runs": o.runs = Int(args.popFirst() ?? "") ?? o.runs
        default: o.sections.insert(a)
        }
    }
    if o.sections.isEmpty || o.sections.contains("all") {
        o.sections = ["sgemm", "conv", "convt", "lstm", "math", "gemv", "attention", "stft"]
    }
    return o
}

/// With one thread the clock is this thread's CPU time, which time-sharing with other processes
/// on a busy machine does not inflate; with more threads it is wall-clock time.
func now() -> Double {
    var ts = timespec()
    clock_gettime(KernelThreads.count == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Median seconds per call over `runs` timed batches (after one warm-up call); each batch repeats
/// the call until it lasts at least 20 ms so that short kernels are timed above clock noise.
func measure(runs: Int, _ body: () -> Void) -> Double {
    body()
    var reps = 1
    while true {
        let t = now()
        for _ in 0..<reps { body() }
        if now() - t > 0.02 || reps > 1 << 20 { break }
        reps *= 2
    }
    var times = [Double]()
    for _ in 0..<runs {
        let t = now()
        for _ in 0..<reps { body() }
        times.append((now() - t) / Double(reps))
    }
    times.sort()
    return times[times.count / 2]
}

struct Random {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1
    }
    mutating func tensor(_ shape: Shape) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.pointer[i] = next() }
        return t
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func fmt(_ v: Double, _ digits: Int = 1) -> String {
    let p = pow(10.0, Double(digits))
    return String((v * p).rounded() / p)
}

let options = parseOptions()
KernelThreads.set(options.threads)
var rng = Random(state: 42)
let coreType = String(cString: openblas_get_corename())
print("kernel-bench: threads \(KernelThreads.count), OpenBLAS core \(coreType), runs \(options.runs) (medians), "
      + (KernelThreads.count == 1 ? "thread CPU time" : "wall-clock time"))

if options.sections.contains("sgemm") {
    print("\n## sgemm (row-major, no transpose)")
    print("| M | N | K | ms | GFLOP/s |")
    print("|---|---|---|---|---|")
    for (m, n, k) in [(512, 100, 512), (512, 2000, 1536), (1024, 500, 1024), (256, 4000, 1792), (128, 12000, 1408), (2048, 1, 2048)] {
        let a = rng.tensor([m, k]), b = rng.tensor([k, n]), c = Tensor(zeros: [m, n])
        let t = measure(runs: options.runs) {
            BLAS.sgemm(m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        print("| \(m) | \(n) | \(k) | \(fmt(t * 1e3, 3)) | \(fmt(2 * Double(m * n * k) / t / 1e9)) |")
    }
}

func convShapes() -> [(c: Int, k: Int, d: Int, t: Int)] {
    [(512, 3, 1, 2000), (256, 3, 1, 6000), (256, 7, 3, 6000), (256, 11, 5, 6000),
     (128, 3, 1, 12000), (128, 7, 3, 12000), (128, 11, 5, 12000), (512, 5, 1, 400)]
}

if options.sections.contains("convtile") {
    print("\n## conv1d time-tile size (input floats per tile), GFLOP/s")
    let budgets = [1 << 16, 1 << 18, 1 << 20, 1 << 24]
    print("| C | k | dil | T |" + budgets.map { " \($0 >> 10)K |" }.joined())
    print("|---|---|---|---|" + String(repeating: "---|", count: budgets.count))
    let ws = Workspace()
    for s in convShapes() {
        let x = rng.tensor([s.c, s.t])
        let w = rng.tensor([s.c, s.c, s.k])
        var row = "| \(s.c) | \(s.k) | \(s.d) | \(s.t) |"
        let flops = 2 * Double(s.c * s.c * s.k * s.t)
        for budget in budgets {
            var conv = Conv1d(weight: w, bias: rng.tensor([s.c]), padding: .same(kernelSize: s.k, dilation: s.d), dilation: s.d)
            conv.tileBudget = budget
            let y = Tensor(zeros: [s.c, s.t])
            let t = measure(runs: options.runs) { conv.apply(x, into: y, workspace: ws) }
            row += " \(fmt(flops / t / 1e9)) |"
        }
        print(row)
    }
}

if options.sections.contains("conv") {
    print("\n## conv1d (C→C, 'same' padding, stride 1, bias), default algorithm")
    print("| C | k | dil | T | ms | GFLOP/s |")
    print("|---|---|---|---|---|---|")
    let ws = Workspace()
    for s in convShapes() {
        let x = rng.tensor([s.c, s.t])
        let conv = Conv1d(weight: rng.tensor([s.c, s.c, s.k]), bias: rng.tensor([s.c]),
                          padding: .same(kernelSize: s.k, dilation: s.d), dilation: s.d)
        let y = Tensor(zeros: [s.c, s.t])
        let t = measure(runs: options.runs) { conv.apply(x, into: y, workspace: ws) }
        print("| \(s.c) | \(s.k) | \(s.d) | \(s.t) | \(fmt(t * 1e3, 2)) | \(fmt(2 * Double(s.c * s.c * s.k * s.t) / t / 1e9)) |")
    }
    print("\n| depthwise C | k | stride | T | ms | GFLOP/s |")
    print("|---|---|---|---|---|---|")
    for (c, k, st, t) in [(192, 3, 1, 2000), (512, 3, 2, 4000), (256, 7, 1, 12000)] {
        let x = rng.tensor([c, t])
        let conv = Conv1d(weight: rng.tensor([c, 1, k]), bias: rng.tensor([c]), stride: st,
                          padding: .same(kernelSize: k), groups: c)
        let y = Tensor(zeros: [c, conv.outputLength(inputLength: t)])
        let time = measure(runs: options.runs) { conv.apply(x, into: y, workspace: ws) }
        print("| \(c) | \(k) | \(st) | \(t) | \(fmt(time * 1e3, 3)) | \(fmt(2 * Double(c * k * y.shape[1]) / time / 1e9)) |")
    }
}

// Kokoro's generator convolutions (2 s of audio) on every convolution kernel this tier offers:
// the fp32 product per tap (OpenBLAS), the fp32 direct kernel, 8-bit weights × 16-bit
// activations on the portable and the AVX2 path, and 8-bit weights × 8-bit activations with
// VNNI (the byte path: AVX-512 VNNI, or AVX-VNNI at the avx2 tier, where the CPU has it).
if options.sections.contains("convtier") {
    print("\n## generator convolutions by kernel (active tier \(KernelTier.active), \(KernelThreads.count) threads)")
    print("| C | k | dil | T | fp32 per tap ms | fp32 direct ms | int16 generic ms | int16 avx2 ms | int8 VNNI ms | best GMAC/s | best int vs per tap |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    let ws = Workspace()
    for (c, k, d, t) in [(256, 3, 1, 1600), (256, 7, 3, 1600), (256, 11, 5, 1600), (128, 3, 1, 9600), (128, 11, 5, 9600),
                         (512, 5, 1, 200)] {
        let x = rng.tensor([c, t])
        let padding = Padding.same(kernelSize: k, dilation: d)
        let bytes = (0..<(c * c * k)).map { _ in UInt8(truncatingIfNeeded: Int((rng.next() + 1) * 127.9)) }
        let bias = rng.tensor([c])
        func integer(_ path: sotto_path, bytes activationBytes: Bool) -> IntegerConv1d {
            bytes.withUnsafeBufferPointer {
                IntegerConv1d(weight: $0, shape: [c, c, k], zeroPoint: 60, scale: 0.002, bias: bias,
                              padding: padding, dilation: d, path: Int32(path.rawValue), bytes: activationBytes)
            }
        }
        let generic = integer(SOTTO_PATH_SCALAR, bytes: false)
        let weight = generic.floatWeight()
        let perTap = Conv1d(weight: weight, bias: bias, padding: padding, dilation: d)
        let direct = DirectConv1d(weight: weight, bias: bias, padding: padding, dilation: d)
        let y = Tensor(zeros: [c, t])
        let macs = Double(c * c * k * t)
        let tPerTap = measure(runs: options.runs) { perTap.apply(x, into: y, workspace: ws) }
        let tDirect = measure(runs: options.runs) { direct.apply(x, into: y, workspace: ws) }
        let tGeneric = measure(runs: max(1, options.runs / 2)) { generic.apply(x, into: y, workspace: ws) }
        var tAVX2 = Double.nan, tBytes = Double.nan
        if KernelTier.active >= .avx2 {
            let conv = integer(SOTTO_PATH_AVX2, bytes: false)
            tAVX2 = measure(runs: options.runs) { conv.apply(x, into: y, workspace: ws) }
        }
        let bytePath = integer(SOTTO_PATH_BEST, bytes: true)
        if bytePath.usesBytes { tBytes = measure(runs: options.runs) { bytePath.apply(x, into: y, workspace: ws) } }
        let best = [tPerTap, tDirect, tGeneric, tAVX2, tBytes].filter { !$0.isNaN }.min()!
        let bestInteger = [tGeneric, tAVX2, tBytes].filter { !$0.isNaN }.min()!
        print("| \(c) | \(k) | \(d) | \(t) | \(fmt(tPerTap * 1e3, 2)) | \(fmt(tDirect * 1e3, 2)) | \(fmt(tGeneric * 1e3, 2)) | \(fmt(tAVX2 * 1e3, 2)) | \(fmt(tBytes * 1e3, 2)) | \(fmt(macs / best / 1e9)) | \(fmt(tPerTap / bestInteger, 2))× |")
    }
}

if options.sections.contains("convt") {
    print("\n## transposed conv1d (HiFi-GAN / iSTFTNet upsamplers)")
    print("| Cin | Cout | k | stride | pad | T in | ms | GFLOP/s |")
    print("|---|---|---|---|---|---|---|---|")
    let ws = Workspace()
    for (ci, co, k, st, p, t) in [(512, 256, 20, 10, 5, 200), (256, 128, 12, 6, 3, 2000), (256, 128, 16, 8, 4, 400),
                                  (128, 64, 16, 8, 4, 3200), (64, 32, 8, 4, 2, 25600)] {
        let x = rng.tensor([ci, t])
        let conv = ConvTranspose1d(weight: rng.tensor([ci, co, k]), bias: rng.tensor([co]), stride: st, padding: p)
        let y = Tensor(zeros: [co, conv.outputLength(inputLength: t)])
        let time = measure(runs: options.runs) { conv.apply(x, into: y, workspace: ws) }
        print("| \(ci) | \(co) | \(k) | \(st) | \(p) | \(t) | \(fmt(time * 1e3, 2)) | \(fmt(2 * Double(ci * co * k * t) / time / 1e9)) |")
    }
    let depthwise = ConvTranspose1d(weight: rng.tensor([512, 1, 3]), bias: nil, stride: 2, padding: 1, outputPadding: 1, groups: 512)
    let x = rng.tensor([512, 1000])
    let y = Tensor(zeros: [512, depthwise.outputLength(inputLength: 1000)])
    let time = measure(runs: options.runs) { depthwise.apply(x, into: y, workspace: ws) }
    print("| 512 (depthwise) | 512 | 3 | 2 | 1 | 1000 | \(fmt(time * 1e3, 3)) | \(fmt(2 * Double(512 * 3 * 1000) / time / 1e9)) |")
}

if options.sections.contains("lstm") {
    print("\n## bidirectional LSTM")
    print("| in | H | T | ms | µs/step |")
    print("|---|---|---|---|---|")
    let ws = Workspace()
    for (input, h, t) in [(512, 256, 100), (640, 256, 400), (192, 96, 200)] {
        func w() -> LSTMWeights {
            LSTMWeights(inputWeight: rng.tensor([4 * h, input]), hiddenWeight: rng.tensor([4 * h, h]),
                        inputBias: rng.tensor([4 * h]), hiddenBias: rng.tensor([4 * h]))
        }
        let lstm = LSTM(forward: w(), backward: w())
        let x = rng.tensor([t, input])
        let y = Tensor(zeros: [t, 2 * h])
        let time = measure(runs: options.runs) { lstm.apply(x, into: y, workspace: ws) }
        print("| \(input) | \(h) | \(t) | \(fmt(time * 1e3, 2)) | \(fmt(time * 1e6 / Double(t))) |")
    }
}

if options.sections.contains("math") {
    print("\n## elementwise math, 1 thread, 64K floats in cache (Melt/s)")
    print("| function | fast | libm | speed-up |")
    print("|---|---|---|---|")
    let n = 1 << 16
    let x = rng.tensor([n])
    for i in 0..<n { x.pointer[i] *= 20 }
    let y = Tensor(zeros: [n])
    let xp = x.pointer, yp = y.pointer
    let cases: [(String, () -> Void, () -> Void)] = [
        ("sin", { FastMath.sin(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = sinf(xp[i]) } }),
        ("cos", { FastMath.cos(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = cosf(xp[i]) } }),
        ("exp", { FastMath.exp(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = expf(xp[i]) } }),
        ("log(|x|)", { FastMath.log(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = logf(xp[i]) } }),
        ("tanh", { FastMath.tanh(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = tanhf(xp[i]) } }),
        ("erf", { FastMath.erf(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = erff(xp[i]) } }),
        ("sigmoid", { FastMath.sigmoid(xp, into: yp, count: n) }, { for i in 0..<n { yp[i] = 1 / (1 + expf(-xp[i])) } }),
        ("gelu (erf)", { Activation.gelu.apply(xp, into: yp, count: n) },
         { for i in 0..<n { yp[i] = 0.5 * xp[i] * (1 + erff(xp[i] * 0.70710678)) } }),
    ]
    let saved = KernelThreads.count
    KernelThreads.set(1)
    for (name, fast, libm) in cases {
        if name == "log(|x|)" { for i in 0..<n { xp[i] = abs(xp[i]) + 1e-3 } }
        let tf = measure(runs: options.runs, fast)
        let tl = measure(runs: options.runs, libm)
        print("| \(name) | \(fmt(Double(n) / tf / 1e6, 0)) | \(fmt(Double(n) / tl / 1e6, 0)) | \(fmt(tl / tf)) |")
    }
    let c = 128, t = 12000
    let xs = rng.tensor([c, t]), ys = Tensor(zeros: [c, t]), alpha = rng.tensor([c])
    let ts = measure(runs: options.runs) { Snake.apply(xs, alpha: alpha, into: ys) }
    print("| Snake [128, 12000] | \(fmt(Double(c * t) / ts / 1e6, 0)) | | |")
    KernelThreads.set(saved)
    let ts2 = measure(runs: options.runs) { Snake.apply(xs, alpha: alpha, into: ys) }
    if saved > 1 { print("| Snake [128, 12000], \(saved) threads | \(fmt(Double(c * t) / ts2 / 1e6, 0)) | | |") }
}

if options.sections.contains("gemv") {
    print("\n## GEMV (decoding): weight bytes streamed per second")
    print("| rows×cols | fp32 sgemv GB/s | bf16 GB/s | int8 GB/s | int4 GB/s | fp32 µs | bf16 µs | int8 µs | int4 µs |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (rows, cols) in [(1024, 3072), (3072, 1024), (2048, 6144)] {
        let w = rng.tensor([rows, cols])
        let x = rng.tensor([cols]), y = Tensor(zeros: [rows])
        let bf = BFloat16Matrix(converting: w)
        let q = Int8Matrix(quantizing: w), q4 = Int4Matrix(quantizing: w)
        let t32 = measure(runs: options.runs) { BLAS.matvec(w, x, into: y) }
        let t16 = measure(runs: options.runs) { bf.multiply(x, into: y) }
        let t8 = measure(runs: options.runs) { q.multiply(x, into: y) }
        let t4 = measure(runs: options.runs) { q4.multiply(x, into: y) }
        let n = Double(rows * cols), n4 = Double(q4.residentBytes) // int4: nibbles and group scales
        print("| \(rows)×\(cols) | \(fmt(4 * n / t32 / 1e9)) | \(fmt(2 * n / t16 / 1e9)) | \(fmt(n / t8 / 1e9)) | \(fmt(n4 / t4 / 1e9)) | \(fmt(t32 * 1e6)) | \(fmt(t16 * 1e6)) | \(fmt(t8 * 1e6)) | \(fmt(t4 * 1e6)) |")
    }
    print("\n| 1024×3072 by path | scalar µs | AVX2 µs | AVX-512 µs |")
    print("|---|---|---|---|")
    let w = rng.tensor([1024, 3072]), x = rng.tensor([3072]), y = Tensor(zeros: [1024])
    let bf = BFloat16Matrix(converting: w), q = Int8Matrix(quantizing: w), q4 = Int4Matrix(quantizing: w)
    var row8 = "| int8 |", row16 = "| bf16 |", row4 = "| int4 |"
    for path in [KernelPath.scalar, .avx2, .avx512] {
        row8 += " \(fmt(measure(runs: options.runs) { q.multiply(x, into: y, path: path) } * 1e6)) |"
        row4 += " \(fmt(measure(runs: options.runs) { q4.multiply(x, into: y, path: path) } * 1e6)) |"
        row16 += " \(fmt(measure(runs: options.runs) { bf.multiply(x, into: y, path: path) } * 1e6)) |"
    }
    print(row8)
    print(row4)
    print(row16)
    let tq = measure(runs: options.runs) { _ = Int4Matrix(quantizing: w) }
    print("\nint4 quantisation (scale search) of 1024×3072: \(fmt(tq * 1e3, 2)) ms")

    // A prompt's rows through one matrix (each row quantised, the weights read once for all):
    // what a Qwen3-TTS prefill runs per layer, and the rate that sets its time.
    print("\n## Prompt products (prefill): G multiply-adds per second")
    print("| rows×cols | prompt rows | int8 | int4 |")
    print("|---|---|---|---|")
    for (rows, cols) in [(3072, 1024), (6144, 1024)] {
        let w = rng.tensor([rows, cols])
        let q = Int8Matrix(quantizing: w), q4 = Int4Matrix(quantizing: w)
        for count in [8, 32, 64] {
            let x = rng.tensor([count, cols]), y = Tensor(zeros: [count, rows])
            let t8 = measure(runs: options.runs) { q.multiply(quantizingRows: x, into: y) }
            let t4 = measure(runs: options.runs) { q4.multiply(quantizingRows: x, into: y) }
            let macs = Double(rows * cols * count)
            print("| \(rows)×\(cols) | \(count) | \(fmt(macs / t8 / 1e9)) | \(fmt(macs / t4 / 1e9)) |")
        }
    }
}

if options.sections.contains("decode") {
    // One decoding step's matrix-vector products through a model-sized stack (the Qwen3-TTS
    // 0.6B talker: 28 layers of q|k|v, o, gate|up and down), one after another as a decoder runs
    // them, so the matrices come from memory, not cache, and every call pays its thread fan-out.
    print("\n## decode step: 28 layers of [4096×1024, 1024×2048, 6144×1024, 1024×3072]")
    print("| weights | MB | ms per step | GB/s |")
    print("|---|---|---|---|")
    let shapes = [(4096, 1024), (1024, 2048), (6144, 1024), (1024, 3072)]
    let floats = shapes.map { rng.tensor([$0.0, $0.1]) }
    let inputs = shapes.map { rng.tensor([$0.1]) }, outputs = shapes.map { Tensor(zeros: [$0.0]) }
    let layers = 28
    let bytes = Double(layers * shapes.reduce(0) { $0 + $1.0 * $1.1 })
    let int8 = (0..<layers).map { _ in floats.map { Int8Matrix(quantizing: $0) } }
    let t8 = measure(runs: options.runs) {
        for layer in int8 { for (i, m) in layer.enumerated() { m.multiply(inputs[i], into: outputs[i]) } }
    }
    print("| int8 | \(fmt(bytes / 1e6, 0)) | \(fmt(t8 * 1e3)) | \(fmt(bytes / t8 / 1e9)) |")
    let bf16 = (0..<layers).map { _ in floats.map { BFloat16Matrix(converting: $0) } }
    let t16 = measure(runs: options.runs) {
        for layer in bf16 { for (i, m) in layer.enumerated() { m.multiply(inputs[i], into: outputs[i]) } }
    }
    print("| bf16 | \(fmt(2 * bytes / 1e6, 0)) | \(fmt(t16 * 1e3)) | \(fmt(2 * bytes / t16 / 1e9)) |")
}

if options.sections.contains("attention") {
    print("\n## attention")
    print("| case | ms |")
    print("|---|---|")
    let ws = Workspace()
    do {
        let t = 200, heads = 12, d = 64
        let q = rng.tensor([t, heads * d]), k = rng.tensor([t, heads * d]), v = rng.tensor([t, heads * d])
        let out = Tensor(zeros: [t, heads * d])
        let time = measure(runs: options.runs) {
            Attention.apply(query: q, key: k, value: v, heads: heads, kvHeads: heads, into: out, workspace: ws)
        }
        print("| ALBERT-like T 200, 12×64 | \(fmt(time * 1e3, 3)) |")
    }
    do {
        let heads = 16, kv = 8, d = 128, past = 1000
        var cache = KVCache(capacity: 2048, kvHeads: kv, headDim: d)
        cache.append(keys: rng.tensor([past, kv * d]), values: rng.tensor([past, kv * d]))
        let q = rng.tensor([1, heads * d]), out = Tensor(zeros: [1, heads * d])
        let time = measure(runs: options.runs) {
            Attention.apply(query: q, key: cache.keys, value: cache.values, heads: heads, kvHeads: kv, mask: .causal,
                            into: out, workspace: ws)
        }
        print("| decode 1 query vs 1000 cached, GQA 16/8×128 | \(fmt(time * 1e3, 3)) |")
    }
}

if options.sections.contains("stft") {
    print("\n## STFT / iSTFT")
    print("| n_fft | hop | samples | forward ms | inverse ms |")
    print("|---|---|---|---|---|")
    let ws = Workspace()
    for (n, hop, len) in [(20, 5, 72000), (1024, 256, 240000)] {
        let stft = STFT(fftSize: n, hopSize: hop, window: Window.hann(n))
        let x = rng.tensor([len])
        let (re, im) = stft.forward(x, workspace: ws)
        let realCopy = re.copied(), imagCopy = im.copied()
        let tf = measure(runs: options.runs) {
            let m = ws.mark()
            _ = stft.forward(x, workspace: ws)
            ws.release(to: m)
        }
        let ti = measure(runs: options.runs) {
            let m = ws.mark()
            _ = stft.inverse(real: realCopy, imag: imagCopy, workspace: ws)
            ws.release(to: m)
        }
        print("| \(n) | \(hop) | \(len) | \(fmt(tf * 1e3, 3)) | \(fmt(ti * 1e3, 3)) |")
    }
}
