import SottoKernels
import Testing

@Suite struct TensorTests {
    @Test func rowMajorLayoutAndElementAccess() {
        let t = Tensor(shape: [2, 3, 4], values: (0..<24).map(Float.init))
        #expect(t.strides == [12, 4, 1])
        #expect(t[1, 2, 3] == 23)
        #expect(t[0, 1, 2] == 6)
        t[1, 0, 0] = -5
        #expect(t.toArray()[12] == -5)
        #expect(t.isContiguous)
    }

    @Test func transposeIsAViewOverTheSameStorage() {
        let t = Tensor(shape: [3, 5], values: (0..<15).map(Float.init))
        let tt = t.transposed()
        #expect(tt.shape == [5, 3])
        #expect(!tt.isContiguous)
        for i in 0..<3 { for j in 0..<5 { #expect(tt[j, i] == t[i, j]) } }
        tt[4, 2] = 100
        #expect(t[2, 4] == 100)
        let c = tt.contiguous()
        #expect(c.isContiguous)
        #expect(c.toArray() == (0..<5).flatMap { j in (0..<3).map { i in t[i, j] } })
    }

    @Test func permuteSliceSelectAndReshape() {
        var rng = SeededRandom(seed: 1)
        let t = rng.tensor([4, 5, 6])
        let p = t.permuted([2, 0, 1])
        #expect(p.shape == [6, 4, 5])
        for a in 0..<4 { for b in 0..<5 { for c in 0..<6 { #expect(p[c, a, b] == t[a, b, c]) } } }
        let s = t.sliced(axis: 1, 1..<4)
        #expect(s.shape == [4, 3, 6])
        #expect(s[2, 0, 3] == t[2, 1, 3])
        #expect(!s.isContiguous)
        let row = t.selecting(axis: 0, 3)
        #expect(row.shape == [5, 6])
        #expect(row[4, 5] == t[3, 4, 5])
        #expect(row.isContiguous)
        let r = row.reshaped([3, -1])
        #expect(r.shape == [3, 10])
        #expect(r[2, 9] == t[3, 4, 5])
        let sc = s.contiguous()
        #expect(sc.toArray() == s.toArray())
        #expect(sc.reshaped([-1]).count == 4 * 3 * 6)
    }

    @Test func copyFromStridedViewAndFill() {
        var rng = SeededRandom(seed: 2)
        let a = rng.tensor([7, 9])
        let b = Tensor(zeros: [9, 7])
        b.copy(from: a.transposed())
        for i in 0..<7 { for j in 0..<9 { #expect(b[j, i] == a[i, j]) } }
        let before = a.copied()
        let view = a.sliced(axis: 1, 2..<5)
        view.fill(3)
        for i in 0..<7 {
            for j in 0..<9 {
                #expect(a[i, j] == ((2..<5).contains(j) ? 3 : before[i, j]))
            }
        }
        let unsq = a.unsqueezed(0)
        #expect(unsq.shape == [1, 7, 9])
    }

    @Test func storageIsAligned() {
        for n in [1, 3, 17, 1000] {
            let t = Tensor(zeros: [n])
            #expect(Int(bitPattern: t.storage.baseAddress) % 64 == 0)
        }
    }

    @Test func workspaceReusesMemoryAcrossPasses() {
        let ws = Workspace()
        func pass() -> [Float] {
            ws.reset()
            let a = ws.tensor([300, 400])
            a.fill(1)
            let b = ws.tensor([1000, 500])
            b.fill(2)
            var inner: Float = 0
            ws.withScratch(70_000) { p in
                p.update(repeating: 3, count: 70_000)
                inner = p[69_999]
            }
            let c = ws.zeros([50])
            return [a[299, 399], b[999, 499], inner, c[49]]
        }
        #expect(pass() == [1, 2, 3, 0])
        #expect(pass() == [1, 2, 3, 0])
        let settled = ws.allocationCount
        #expect(pass() == [1, 2, 3, 0])
        #expect(pass() == [1, 2, 3, 0])
        #expect(ws.allocationCount == settled)
        #expect(ws.capacity >= 300 * 400 + 1000 * 500)
    }

    @Test func workspaceMarkReleaseRewinds() {
        let ws = Workspace(initialCapacity: 1 << 16)
        let a = ws.tensor([100])
        let m = ws.mark()
        let b = ws.tensor([100])
        ws.release(to: m)
        let c = ws.tensor([100])
        #expect(b.offset == c.offset && b.storage === c.storage)
        #expect(a.offset != c.offset)
    }

    @Test func aReservationServesGrowingAllocationsFromOneBlock() {
        let ws = Workspace(initialCapacity: 1 << 16)
        func pass() {
            ws.reset()
            _ = ws.tensor([1000])
            ws.reserve(2 * 1_600_000 + 64)
            for n in [100_000, 400_000, 1_600_000] {
                let m = ws.mark()
                _ = ws.tensor([n])
                _ = ws.tensor([n])
                ws.release(to: m)
            }
        }
        pass()
        // The initial block and the reserved one; none for the growing allocations.
        #expect(ws.allocationCount == 2)
        // Merged at the reset into one block that already meets the next reservation.
        pass()
        let settled = ws.allocationCount
        pass()
        #expect(ws.allocationCount == settled)
        #expect(ws.capacity >= 1000 + 2 * 1_600_000)
    }

    @Test func secondIdenticalConvolutionPassAllocatesNothing() {
        var rng = SeededRandom(seed: 3)
        let conv = Conv1d(weight: rng.tensor([16, 8, 5]), bias: rng.tensor([16]), padding: .same(kernelSize: 5))
        let lstm = LSTM(forward: LSTMWeights(inputWeight: rng.tensor([32, 16]), hiddenWeight: rng.tensor([32, 8])),
                        backward: LSTMWeights(inputWeight: rng.tensor([32, 16]), hiddenWeight: rng.tensor([32, 8])))
        let x = rng.tensor([8, 50])
        let ws = Workspace()
        func pass() -> [Float] {
            ws.reset()
            let y = conv(x, workspace: ws)
            let z = lstm(y.transposed(), workspace: ws)
            return z.toArray()
        }
        let first = pass()
        _ = pass()
        let blocks = ws.allocationCount
        let capacity = ws.capacity
        let second = pass()
        #expect(ws.allocationCount == blocks)
        #expect(ws.capacity == capacity)
        #expect(first == second)
    }
}
