import SottoKernels
import Testing

@Suite struct BLASTests {
    /// op(A)[i, p] for A stored row-major with leading dimension lda.
    static func element(_ a: [Float], _ lda: Int, transposed: Bool, _ i: Int, _ p: Int) -> Double {
        Double(transposed ? a[p * lda + i] : a[i * lda + p])
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmWithTransposesLeadingDimensionsAlphaBeta(transA: Bool, transB: Bool) {
        var rng = SeededRandom(seed: 10)
        let m = 13, n = 37, k = 7
        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 5, ldc = n + 2
        let a = rng.floats((transA ? k : m) * lda)
        let b = rng.floats((transB ? n : k) * ldb)
        var c = rng.floats(m * ldc)
        let c0 = c
        let alpha: Float = 0.75, beta: Float = -0.5
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.sgemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha,
                               a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb, beta: beta,
                               c: cp.baseAddress!, ldc: ldc)
                }
            }
        }
        var reference = [Double](), actual = [Float](), absSums = [Double]()
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0, abs = 0.0
                for p in 0..<k {
                    let t = Self.element(a, lda, transposed: transA, i, p) * Self.element(b, ldb, transposed: transB, p, j)
                    s += t
                    abs += Swift.abs(t)
                }
                reference.append(Double(alpha) * s + Double(beta) * Double(c0[i * ldc + j]))
                absSums.append(abs + Swift.abs(Double(c0[i * ldc + j])))
                actual.append(c[i * ldc + j])
            }
            // Padding columns beyond n must be untouched.
            for j in n..<ldc { #expect(c[i * ldc + j] == c0[i * ldc + j]) }
        }
        expectClose(actual, reference, tolerance: { dotTolerance(absSums[$0]) }, "sgemm")
    }

    @Test func matmulAcceptsTransposedAndSlicedViews() {
        var rng = SeededRandom(seed: 11)
        let big = rng.tensor([20, 30])
        let a = big.sliced(axis: 0, 3..<16).sliced(axis: 1, 4..<11)  // [13, 7] with row stride 30
        let bStore = rng.tensor([37, 7])
        let b = bStore.transposed()  // [7, 37], column-major view
        let c = Tensor(zeros: [13, 37])
        BLAS.matmul(a, b, into: c)
        var reference = [Double](), sums = [Double]()
        for i in 0..<13 {
            for j in 0..<37 {
                var s = 0.0, abs = 0.0
                for p in 0..<7 {
                    let t = Double(a[i, p]) * Double(b[p, j])
                    s += t
                    abs += Swift.abs(t)
                }
                reference.append(s)
                sums.append(abs)
            }
        }
        expectClose(c.toArray(), reference, tolerance: { dotTolerance(sums[$0]) }, "matmul")
    }

    @Test func matvecBothOrientations() {
        var rng = SeededRandom(seed: 12)
        let a = rng.tensor([13, 29])
        let x = rng.tensor([29]), y = Tensor(zeros: [13])
        BLAS.matvec(a, x, into: y)
        let xt = rng.tensor([13]), yt = Tensor(zeros: [29])
        BLAS.matvec(a.transposed(), xt, into: yt)
        var r1 = [Double](), s1 = [Double](), r2 = [Double](), s2 = [Double]()
        for i in 0..<13 {
            r1.append((0..<29).reduce(0.0) { $0 + Double(a[i, $1]) * Double(x[$1]) })
            s1.append((0..<29).reduce(0.0) { $0 + abs(Double(a[i, $1]) * Double(x[$1])) })
        }
        for j in 0..<29 {
            r2.append((0..<13).reduce(0.0) { $0 + Double(a[$1, j]) * Double(xt[$1]) })
            s2.append((0..<13).reduce(0.0) { $0 + abs(Double(a[$1, j]) * Double(xt[$1])) })
        }
        expectClose(y.toArray(), r1, tolerance: { dotTolerance(s1[$0]) }, "matvec")
        expectClose(yt.toArray(), r2, tolerance: { dotTolerance(s2[$0]) }, "matvec transposed")
    }

    @Test(arguments: [true, false])
    func linearOnSequenceAndVector(withBias: Bool) {
        var rng = SeededRandom(seed: 13)
        let inF = 13, outF = 11, t = 37
        let w = rng.tensor([outF, inF]), b = rng.tensor([outF])
        let layer = Linear(weight: w, bias: withBias ? b : nil)
        let x = rng.tensor([t, inF])
        let ws = Workspace()
        let y = layer(x, workspace: ws)
        let v = layer(x.selecting(axis: 0, 5), workspace: ws)
        #expect(y.shape == [t, outF] && v.shape == [outF])
        var reference = [Double](), sums = [Double]()
        for r in 0..<t {
            for o in 0..<outF {
                var s = withBias ? Double(b[o]) : 0, abs = Swift.abs(s)
                for i in 0..<inF {
                    s += Double(w[o, i]) * Double(x[r, i])
                    abs += Swift.abs(Double(w[o, i]) * Double(x[r, i]))
                }
                reference.append(s)
                sums.append(abs)
            }
        }
        expectClose(y.toArray(), reference, tolerance: { dotTolerance(sums[$0]) }, "Linear [T, in]")
        expectClose(v.toArray(), Array(reference[5 * outF..<6 * outF]), tolerance: { dotTolerance(sums[5 * outF + $0]) },
                    "Linear vector")
    }
}
