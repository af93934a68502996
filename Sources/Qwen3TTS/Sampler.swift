import Foundation
import SottoKernels

/// How one token is chosen from logits: the reference's processors in its order.
public struct TokenSampling: Sendable, Equatable {
    public var greedy: Bool
    public var temperature: Double
    public var topK: Int
    public var topP: Double

    public init(greedy: Bool, temperature: Double, topK: Int, topP: Double) {
        self.greedy = greedy
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Applies temperature, top-k and top-p (in that order) and draws, or takes the arg-max.
    func choose(_ scores: [Float], generator: inout SeededGenerator) -> Int {
        if greedy || temperature <= 0 { return Self.argmax(scores) }
        var logits = scores
        if temperature != 1 {
            let t = Float(temperature)
            for i in logits.indices { logits[i] /= t }
        }
        if topK > 0 && topK < logits.count {
            // Keep every score at least as large as the k-th largest (ties stay, as in the reference).
            let threshold = logits.sorted(by: >)[topK - 1]
            for i in logits.indices where logits[i] < threshold { logits[i] = -.infinity }
        }
        if topP < 1 {
            let order = logits.indices.sorted { logits[$0] < logits[$1] }
            let probabilities = Self.softmax(order.map { logits[$0] })
            // Remove the low tail whose cumulative probability is within 1 - topP; keep the top token.
            var cumulative: Double = 0
            for (rank, index) in order.enumerated() where rank < order.count - 1 {
                cumulative += probabilities[rank]
                if cumulative <= 1 - topP { logits[index] = -.infinity }
            }
        }
        let probabilities = Self.softmax(logits)
        var draw = generator.unit()
        for (i, p) in probabilities.enumerated() {
            draw -= p
            if draw < 0 { return i }
        }
        return probabilities.lastIndex { $0 > 0 } ?? Self.argmax(logits)
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    static func softmax(_ logits: [Float]) -> [Double] {
        let peak = Double(logits.max() ?? 0)
        guard peak.isFinite else { return logits.map { _ in 1 / Double(logits.count) } }
        let e = logits.map { Foundation.exp(Double($0) - peak) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}

/// Codebook-0 choice for the talker: repetition penalty over the codebook-0 history, end of
/// speech masked for the first steps, control ids suppressed, then `TokenSampling`.
struct FirstCodebookSampler {
    var sampling: TokenSampling
    var repetitionPenalty: Float
    var endOfSpeech: Int
    /// Ids from here up are control ids (all but end of speech are suppressed).
    var controlStart: Int
    var minimumSteps = 2

    func choose(_ logits: [Float], history: [Int], generator: inout SeededGenerator) -> Int {
        var scores = logits
        if repetitionPenalty != 1 {
            for id in Set(history) where id >= 0 && id < scores.count {
                scores[id] = scores[id] < 0 ? scores[id] * repetitionPenalty : scores[id] / repetitionPenalty
            }
        }
        if history.count < minimumSteps, endOfSpeech < scores.count { scores[endOfSpeech] = -.infinity }
        for id in controlStart ..< scores.count where id != endOfSpeech { scores[id] = -.infinity }
        return sampling.choose(scores, generator: &generator)
    }
}
