import Foundation
import SottoCore
import SottoONNX
import Testing
/// The numeric comparisons every test target shares, for every file of this one.
@_exported import SottoTestSupport

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
}

/// The real model files Scripts/setup installs (the test command runs it first). Loaded once
/// per process: parsing is cheap, but the suites share them.
enum RealModels {
    static var directory: URL { SottoPaths().modelsDirectory() }
    static var kokoroURL: URL { directory.appendingPathComponent("kokoro-v1.0-int8/kokoro-v1.0.int8.onnx") }
    static var piperURL: URL { directory.appendingPathComponent("piper/en_US-joe-medium.onnx") }

    static let kokoro: Result<ONNXModel, SottoError> = load(kokoroURL)
    static let piper: Result<ONNXModel, SottoError> = load(piperURL)

    private static func load(_ url: URL) -> Result<ONNXModel, SottoError> {
        do { return .success(try ONNXModel(contentsOf: url)) } catch let error as SottoError {
            return .failure(SottoError("\(error.description); run Scripts/setup to install the models"))
        } catch {
            return .failure(SottoError(SottoError.describe(error)))
        }
    }
}

/// What the fixture script recorded about a weight: checksums, leading values and samples.
struct WeightSummary: Decodable {
    let shape: [Int]
    let sum: Double
    let sumSquares: Double
    let absMax: Double
    let leading: [Double]
    /// [flat index, value] pairs.
    let samples: [[Double]]
}

/// Compares recovered weights with a reference. Each element may differ by
/// `absolute + relative * |reference|`; the checksums by what those element bounds allow
/// (through Cauchy-Schwarz, |sum of errors| <= bound * sqrt(n * sum of squares)), plus a
/// summation-order slack of 1e-9 for exact comparisons.
func expectMatches(_ weights: WeightTensor, _ reference: WeightSummary, relative: Double = 0, absolute: Double = 0,
                   _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(weights.shape == reference.shape, "\(label) shape", sourceLocation: sourceLocation)
    guard weights.shape == reference.shape else { return }
    func close(_ actual: Float, _ expected: Double) -> Bool {
        abs(Double(actual) - expected) <= absolute + relative * abs(expected)
    }
    for (position, expected) in reference.leading.enumerated() {
        #expect(close(weights.values[position], expected), "\(label)[\(position)] = \(weights.values[position]), expected \(expected)", sourceLocation: sourceLocation)
    }
    for sample in reference.samples {
        let position = Int(sample[0])
        #expect(close(weights.values[position], sample[1]), "\(label)[\(position)] = \(weights.values[position]), expected \(sample[1])", sourceLocation: sourceLocation)
    }
    let n = Double(weights.values.count)
    var sum = 0.0, squares = 0.0, absMax = 0.0
    for value in weights.values {
        sum += Double(value)
        squares += Double(value) * Double(value)
        absMax = max(absMax, abs(Double(value)))
    }
    let spread = (n * reference.sumSquares).squareRoot()
    let sumTolerance = absolute * n + relative * spread + 1e-9 * spread
    let elementBound = absolute + relative * reference.absMax
    let squaresTolerance = 2 * (absolute * spread + relative * reference.sumSquares) + n * elementBound * elementBound + 1e-9 * reference.sumSquares
    #expect(abs(sum - reference.sum) <= sumTolerance, "\(label) sum \(sum), expected \(reference.sum)", sourceLocation: sourceLocation)
    #expect(abs(squares - reference.sumSquares) <= squaresTolerance, "\(label) sum of squares \(squares), expected \(reference.sumSquares)", sourceLocation: sourceLocation)
    #expect(abs(absMax - reference.absMax) <= elementBound, "\(label) largest magnitude \(absMax), expected \(reference.absMax)", sourceLocation: sourceLocation)
}

func loadJSON<T: Decodable>(_ type: T.Type, _ fixture: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(contentsOf: Fixtures.url(fixture)))
}
