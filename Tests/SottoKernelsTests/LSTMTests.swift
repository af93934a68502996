import Foundation
import SottoKernels
import Testing

@Suite struct LSTMTests {
    /// PyTorch's LSTM cell in double, one direction, zero initial state.
    static func reference(x: Tensor, w: LSTMWeights, reverse: Bool) -> [[Double]] {
        let t = x.shape[0], h = w.hiddenSize, input = w.inputSize
        var hidden = [Double](repeating: 0, count: h), cell = [Double](repeating: 0, count: h)
        var out = [[Double]](repeating: [], count: t)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        for s in 0..<t {
            let step = reverse ? t - 1 - s : s
            var gates = [Double](repeating: 0, count: 4 * h)
            for g in 0..<4 * h {
                var acc = (w.inputBias.map { Double($0[g]) } ?? 0) + (w.hiddenBias.map { Double($0[g]) } ?? 0)
                for i in 0..<input { acc += Double(w.inputWeight[g, i]) * Double(x[step, i]) }
                for i in 0..<h { acc += Double(w.hiddenWeight[g, i]) * hidden[i] }
                gates[g] = acc
            }
            for u in 0..<h {
                let i = sigmoid(gates[u]), f = sigmoid(gates[h + u])
                let g = Foundation.tanh(gates[2 * h + u]), o = sigmoid(gates[3 * h + u])
                cell[u] = f * cell[u] + i * g
                hidden[u] = o * Foundation.tanh(cell[u])
            }
            out[step] = hidden
        }
        return out
    }

    static func weights(_ rng: inout SeededRandom, input: Int, hidden: Int, biases: Bool) -> LSTMWeights {
        LSTMWeights(inputWeight: rng.tensor([4 * hidden, input], -0.5, 0.5),
                    hiddenWeight: rng.tensor([4 * hidden, hidden], -0.5, 0.5),
                    inputBias: biases ? rng.tensor([4 * hidden]) : nil,
                    hiddenBias: biases ? rng.tensor([4 * hidden]) : nil)
    }

    @Test(arguments: [(37, 13, 11, true), (29, 20, 8, false), (1, 5, 3, true)])
    func bidirectionalMatchesNaiveLoops(t: Int, input: Int, hidden: Int, biases: Bool) {
        var rng = SeededRandom(seed: UInt64(t * 100 + hidden))
        let fw = Self.weights(&rng, input: input, hidden: hidden, biases: biases)
        let bw = Self.weights(&rng, input: input, hidden: hidden, biases: biases)
        let x = rng.tensor([t, input], -2, 2)
        let lstm = LSTM(forward: fw, backward: bw)
        let y = lstm(x, workspace: Workspace())
        #expect(y.shape == [t, 2 * hidden])
        let f = Self.reference(x: x, w: fw, reverse: false)
        let b = Self.reference(x: x, w: bw, reverse: true)
        let reference = (0..<t).flatMap { f[$0] + b[$0] }
        // States are bounded by 1; gate sums carry ~1e-6 float error and the approximations of
        // sigmoid/tanh add ≤ 2e-7 per step, compounding mildly through the recurrence.
        expectClose(y.toArray(), reference, tolerance: { _ in 2e-5 }, "BiLSTM T \(t) H \(hidden)")
    }

    /// Weights held as int8 bytes give exactly the LSTM on the same weights widened to floats,
    /// in a quarter of the bytes.
    @Test func int8WeightsMatchTheirFloats() {
        var rng = SeededRandom(seed: 21)
        let input = 12, hidden = 8
        func bytes(_ n: Int) -> [Int8] { (0..<n).map { _ in Int8(Int(rng.nextUInt() % 255) - 127) } }
        func direction() -> LSTMInt8Weights {
            LSTMInt8Weights(inputWeight: bytes(4 * hidden * input), inputScale: 0.004, hiddenWeight: bytes(4 * hidden * hidden),
                            hiddenScale: 0.006, inputSize: input, hiddenSize: hidden,
                            inputBias: rng.tensor([4 * hidden]), hiddenBias: rng.tensor([4 * hidden]))
        }
        func widened(_ d: LSTMInt8Weights) -> LSTMWeights {
            LSTMWeights(inputWeight: Tensor(shape: [4 * hidden, input], values: d.inputWeight.map { Float($0) * d.inputScale }),
                        hiddenWeight: Tensor(shape: [4 * hidden, hidden], values: d.hiddenWeight.map { Float($0) * d.hiddenScale }),
                        inputBias: d.inputBias, hiddenBias: d.hiddenBias)
        }
        let fw = direction(), bw = direction()
        let x = rng.tensor([19, input], -2, 2)
        let held = LSTM(forward: fw, backward: bw), float = LSTM(forward: widened(fw), backward: widened(bw))
        #expect(held(x, workspace: Workspace()).toArray() == float(x, workspace: Workspace()).toArray())
        #expect(held.weightBytes < float.weightBytes / 2)
    }

    @Test func unidirectionalAcceptsTransposedInput() {
        var rng = SeededRandom(seed: 5)
        let w = Self.weights(&rng, input: 9, hidden: 6, biases: true)
        let channelsFirst = rng.tensor([9, 23])  // [C, T] as a conv stack produces it
        let y = LSTM(w)(channelsFirst.transposed(), workspace: Workspace())
        let reference = Self.reference(x: channelsFirst.transposed().contiguous(), w: w, reverse: false).flatMap { $0 }
        expectClose(y.toArray(), reference, tolerance: { _ in 2e-5 }, "LSTM on a transposed view")
    }
}
