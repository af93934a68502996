import Testing

// Numeric comparisons shared by the test targets of the kernels, the ONNX reader and the
// engines: one implementation of "close enough", reporting the worst element.

/// Checks |actual − reference| ≤ tolerance(i) element by element; reports the worst element.
public func expectClose(_ actual: [Float], _ reference: [Double], tolerance: (Int) -> Double,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == reference.count, "\(what): \(actual.count) values, expected \(reference.count)",
            sourceLocation: sourceLocation)
    guard actual.count == reference.count else { return }
    var worst = 0
    var worstExcess = -Double.infinity
    for i in 0..<actual.count {
        let excess = abs(Double(actual[i]) - reference[i]) - tolerance(i)
        if !(excess <= worstExcess) || actual[i].isNaN {
            worstExcess = actual[i].isNaN ? .infinity : excess
            worst = i
        }
    }
    #expect(worstExcess <= 0,
            "\(what): element \(worst) is \(actual[worst]), reference \(reference[worst]), tolerance \(tolerance(worst))",
            sourceLocation: sourceLocation)
}

/// Every element within `absolute + relative·|expected|`.
public func expectClose(_ actual: [Float], _ expected: [Double], relative: Double, absolute: Double, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected, tolerance: { absolute + relative * abs(expected[$0]) }, label,
                sourceLocation: sourceLocation)
}

/// Every element within `tolerance` times the reference's peak (signals compared at their level).
public func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    let bound = Double(tolerance * max(peak(expected), 1e-3))
    expectClose(actual, expected.map(Double.init), tolerance: { _ in bound }, label, sourceLocation: sourceLocation)
}

/// Largest |a − b| and where it is.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "lengths differ: \(a.count) vs \(b.count)")
    var worst: Float = 0, at = 0
    for i in a.indices where abs(a[i] - b[i]) > worst {
        worst = abs(a[i] - b[i])
        at = i
    }
    return (worst, at)
}

/// max |x|.
public func peak(_ values: [Float]) -> Float { values.reduce(0) { max($0, abs($1)) } }

/// sqrt(mean((a − b)²)) / sqrt(mean(b²)): error relative to the signal's level.
public func relativeRMS(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var error = 0.0, energy = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        error += d * d
        energy += Double(b[i]) * Double(b[i])
    }
    return energy > 0 ? (error / energy).squareRoot() : error.squareRoot()
}
