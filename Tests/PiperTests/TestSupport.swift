import Foundation
import Piper
import SottoCore
import Testing
/// The numeric comparisons every test target shares, for every file of this one.
@_exported import SottoTestSupport

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The synthetic voices Scripts/fixtures/make_piper_fixtures.py built with piper's training code.
    static let syntheticVoices = ["multi", "odd", "plain"]
}

/// One onnxruntime run recorded by the fixture script.
struct ReferenceCase {
    let name: String
    let arrays: [String: NumpyArray]

    init(_ name: String) throws {
        self.name = name
        let archive = try ZipArchive(Fixtures.url(name + ".npz"))
        var arrays: [String: NumpyArray] = [:]
        for key in archive.numpyArrayNames() { arrays[key] = try archive.numpyArray(named: key) }
        self.arrays = arrays
    }

    func floats(_ key: String) throws -> [Float] { try #require(arrays[key], "\(name) has no \(key)").values }
    func ints(_ key: String) throws -> [Int] { try floats(key).map { Int($0) } }
    func has(_ key: String) -> Bool { arrays[key] != nil }

    var ids: [Int] { get throws { try ints("ids") } }
    var durations: [Int] { get throws { try ints("durations") } }
    var speaker: Int? { arrays["speaker"].map { Int($0.values[0]) } }

    /// The scales the reference ran with, and optionally its recorded noise.
    func options(injectNoise: Bool = true, recordStages: Bool = true) throws -> PiperSynthesisOptions {
        let scales = try floats("scales")
        var options = PiperSynthesisOptions(noiseScale: scales[0], lengthScale: scales[1], noiseW: scales[2],
                                            speaker: speaker, recordStages: recordStages)
        if injectNoise {
            options.durationNoise = arrays["duration_noise"]?.values
            options.latentNoise = arrays["latent_noise"]?.values
        }
        return options
    }
}

/// The real voice Scripts/setup installs (the test command runs it first), loaded once.
enum RealVoice {
    static var url: URL { SottoPaths().modelsDirectory().appendingPathComponent("piper/en_US-joe-medium.onnx") }
    static let joe: Result<PiperModel, SottoError> = {
        do { return .success(try PiperModel(contentsOf: url)) } catch {
            return .failure(SottoError("\(SottoError.describe(error)); run Scripts/setup to install the voice"))
        }
    }()
}

/// The synthetic voices, loaded once each.
enum SyntheticVoice {
    static let models: [String: Result<PiperModel, SottoError>] = Dictionary(uniqueKeysWithValues: Fixtures.syntheticVoices.map { name in
        do { return (name, .success(try PiperModel(contentsOf: Fixtures.url("tiny-\(name).onnx")))) } catch {
            return (name, .failure(SottoError(SottoError.describe(error))))
        }
    })

    static func get(_ name: String) throws -> PiperModel { try #require(models[name]).get() }
}

