import Glibc

/// The low-pass filter behind `Resampler`: a sinc windowed by a Kaiser window, tabulated at the
/// fractional input positions the rate ratio needs.
///
/// Design, relative to the lower of the two Nyquist frequencies: the passband reaches 90 % of it,
/// the stopband starts at 100 % (so nothing above the new Nyquist folds back below it), and the
/// window's β gives about 100 dB of stopband attenuation. The tap count follows Kaiser's formula
/// for that attenuation and transition width; 22050 ↔ 24000 needs about 140 taps.
final class ResamplingFilter: Sendable {
    /// Output frames per `step` input frames, in lowest terms: out/in = interpolation/step.
    let interpolation: Int
    let step: Int
    /// Taps on each side of the output position; a row has `2 * halfLength` coefficients.
    let halfLength: Int
    /// Rows of coefficients, one per tabulated fraction of an input sample (`phaseCount` + 1 rows,
    /// the last being a fraction of exactly 1, so interpolation never reads past the table).
    let coefficients: [Float]
    let phaseCount: Int
    /// Whether every fraction that occurs has its own row; otherwise rows are interpolated.
    let isExact: Bool

    static let stopbandAttenuation = 100.0
    /// Beyond this many distinct fractions (e.g. 44100 → 47999) the table is sampled finely and
    /// interpolated instead of holding one row per fraction.
    static let maximumExactPhases = 1024
    static let interpolatedPhases = 1024

    init(inputRate: Int, outputRate: Int) {
        let divisor = greatestCommonDivisor(inputRate, outputRate)
        interpolation = outputRate / divisor
        step = inputRate / divisor

        // Frequencies in cycles per input sample.
        let lowerNyquist = 0.5 * min(1, Double(outputRate) / Double(inputRate))
        let transition = 0.1 * lowerNyquist
        let cutoff = lowerNyquist - transition / 2
        let attenuation = Self.stopbandAttenuation
        let beta = 0.1102 * (attenuation - 8.7)
        let taps = (attenuation - 7.95) / (14.357 * transition)
        halfLength = Int((taps / 2).rounded(.up))

        isExact = interpolation <= Self.maximumExactPhases
        phaseCount = isExact ? interpolation : Self.interpolatedPhases
        let width = 2 * halfLength
        var table = [Float](repeating: 0, count: (phaseCount + 1) * width)
        let windowNormaliser = besselI0(beta)
        for phase in 0...phaseCount {
            let fraction = Double(phase) / Double(phaseCount)
            var row = [Double](repeating: 0, count: width)
            for index in 0..<width {
                // Tap `index` weighs input sample base + index - (halfLength - 1).
                let distance = Double(index - (halfLength - 1)) - fraction
                let relative = distance / Double(halfLength)
                guard abs(relative) < 1 else { continue }
                let window = besselI0(beta * (1 - relative * relative).squareRoot()) / windowNormaliser
                row[index] = 2 * cutoff * normalisedSinc(2 * cutoff * distance) * window
            }
            // Unit gain at DC for every fraction, so a constant stays exactly constant.
            let sum = row.reduce(0, +)
            for index in 0..<width {
                table[phase * width + index] = Float(row[index] / sum)
            }
        }
        coefficients = table
    }

    /// The output length for `inputLength` input frames: round(inputLength × out / in), halves up.
    func outputLength(forInputLength inputLength: Int) -> Int {
        Resampler.outputLength(forInputLength: inputLength, from: step, to: interpolation)
    }
}

func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}

private func normalisedSinc(_ x: Double) -> Double {
    guard x != 0 else { return 1 }
    let angle = Double.pi * x
    return sin(angle) / angle
}

/// The modified Bessel function of the first kind, order zero, by its power series.
private func besselI0(_ x: Double) -> Double {
    var sum = 1.0
    var term = 1.0
    let quarterSquare = x * x / 4
    var k = 1.0
    while term > sum * 1e-17 {
        term *= quarterSquare / (k * k)
        sum += term
        k += 1
    }
    return sum
}
