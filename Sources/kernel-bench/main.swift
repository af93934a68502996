import COpenBLAS
import Glibc
import SottoKernels

// Measures the kernels on this machine. Speed is reported, never asserted.
// Usage: kernel-bench [--threads N] [--runs N] [sgemm|conv|convalgo|convt|lstm|math|gemv|attention|stft|all]

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
        o.sections = ["sgemm", "conv", "convt", "lstm", "math", "gemv", "attention", "stft", "norm"]
    }
    return o
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
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
print("kernel-bench: threads \(KernelThreads.count), OpenBLAS core \(coreType), runs \(options.runs) (medians)")

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

if options.sections.contains("convalgo") {
    print("\n## conv1d algorithms (C→C, 'same' padding, stride 1): GFLOP/s")
    print("| C | k | dil | T | im2col 32K | im2col 64K | im2col 128K | im2col 256K | taps 32K | taps 64K | taps 256K |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    let ws = Workspace()
    for s in convShapes() {
        let x = rng.tensor([s.c, s.t])
        let w = rng.tensor([s.c, s.c, s.k])
        var row = "| \(s.c) | \(s.k) | \(s.d) | \(s.t) |"
        let flops = 2 * Double(s.c * s.c * s.k * s.t)
        for (algo, budget) in [(Conv1d.Algorithm.im2col, 1 << 15), (.im2col, 1 << 16), (.im2col, 1 << 17), (.im2col, 1 << 18),
                               (.shiftedTaps, 1 << 15), (.shiftedTaps, 1 << 16), (.shiftedTaps, 1 << 18)] {
            var conv = Conv1d(weight: w, bias: rng.tensor([s.c]), padding: .same(kernelSize: s.k, dilation: s.d), dilation: s.d)
            conv.algorithm = algo
            conv.columnBudget = budget
            let y = Tensor(zeros: [s.c, s.t])
            let t = measure(runs: options.runs) {
                conv.apply(x, into: y, workspace: ws)
            }
            row += " \(fmt(flops / t / 1e9)) |"
        }
        print(row)
    }
}
