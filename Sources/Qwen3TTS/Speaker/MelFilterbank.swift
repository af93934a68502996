import Foundation

/// Triangular mel filters with Slaney's mel scale and area normalisation, computed the way
/// `librosa.filters.mel` (htk=False, norm="slaney") computes them: in double precision, each
/// weight stored as float32 and then scaled by its filter's normaliser (so the float32 values
/// agree with librosa's to the last bit or one unit).
struct MelFilterbank {
    let bins: Int
    let frequencies: Int
    /// `[bins, frequencies]`, row-major.
    let weights: [Float]

    init(sampleRate: Int, fftSize: Int, bins: Int, minimumHz: Double, maximumHz: Double) {
        self.bins = bins
        frequencies = fftSize / 2 + 1
        let binSpacing = 1.0 / (Double(fftSize) * (1.0 / Double(sampleRate)))
        let fftHz = (0 ..< frequencies).map { Double($0) * binSpacing }
        let lowMel = Self.hzToMel(minimumHz), highMel = Self.hzToMel(maximumHz)
        // numpy's linspace: start + i·step, with the last point set to the stop exactly.
        let step = (highMel - lowMel) / Double(bins + 1)
        var edges = (0 ..< bins + 2).map { Self.melToHz(lowMel + Double($0) * step) }
        edges[bins + 1] = Self.melToHz(highMel)

        var weights = [Float](repeating: 0, count: bins * frequencies)
        for m in 0 ..< bins {
            let rising = edges[m + 1] - edges[m], falling = edges[m + 2] - edges[m + 1]
            let normaliser = 2.0 / (edges[m + 2] - edges[m])
            for k in 0 ..< frequencies {
                let lower = -(edges[m] - fftHz[k]) / rising
                let upper = (edges[m + 2] - fftHz[k]) / falling
                let triangle = Float(max(0, min(lower, upper)))
                weights[m * frequencies + k] = Float(Double(triangle) * normaliser)
            }
        }
        self.weights = weights
    }

    /// Slaney's scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    static func hzToMel(_ hz: Double) -> Double {
        let linearStep = 200.0 / 3, breakHz = 1000.0, breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return hz >= breakHz ? breakMel + log(hz / breakHz) / logStep : hz / linearStep
    }

    static func melToHz(_ mel: Double) -> Double {
        let linearStep = 200.0 / 3, breakHz = 1000.0, breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return mel >= breakMel ? breakHz * exp(logStep * (mel - breakMel)) : linearStep * mel
    }
}
