import Foundation

/// How likely a listener who only guesses is to do as well as they did in an ABX test.
public enum BinomialTest {
    /// The one-sided p-value of `correct` right answers in `trials` fair coin flips: the chance of
    /// `correct` or more by guessing alone. 1 for no trials; nil for counts that make no sense.
    public static func pValue(correct: Int, trials: Int) -> Double? {
        guard trials >= 0, correct >= 0, correct <= trials else { return nil }
        guard trials > 0, correct > 0 else { return 1 }
        // Summed in logarithms: 2^-n underflows a Double past about a thousand trials.
        let logHalfPower = Double(trials) * log(0.5)
        var total = 0.0
        for successes in correct...trials {
            total += exp(logChoose(trials, successes) + logHalfPower)
        }
        return min(1, total)
    }

    /// log C(n, k).
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// "p = 0.011", "p < 0.001": as the studio shows it.
    public static func label(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p)
    }
}
