import Foundation
import Kokoro
import SottoCore
import SottoKernels
import Synchronization

/// The onnxruntime references written by Scripts/fixtures/make_kokoro_fixtures.py.
struct KokoroFixture {
    let name: String
    let voice: String
    let row: Int
    let speed: Float
    let arrays: [String: NumpyArray]

    func values(_ key: String) -> [Float] { arrays[key]?.values ?? [] }
    var ids: [Int] { values("ids").map { Int($0) } }
    var durations: [Int] { values("durations").map { Int($0) } }
    var style: [Float] { values("style") }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Listing: Decodable {
        struct Sentence: Decodable {
            let name: String
            let voice: String
            let row: Int
            let speed: Double
        }
        let sentences: [Sentence]
    }

    static let all: [KokoroFixture] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("kokoro-fixtures.json")),
              let listing = try? JSONDecoder().decode(Listing.self, from: data) else { return [] }
        return listing.sentences.compactMap { s in
            guard let archive = try? ZipArchive(folder.appendingPathComponent("kokoro-\(s.name).npz")) else { return nil }
            var arrays: [String: NumpyArray] = [:]
            for key in archive.numpyArrayNames() { arrays[key] = try? archive.numpyArray(named: key) }
            return KokoroFixture(name: s.name, voice: s.voice, row: s.row, speed: Float(s.speed), arrays: arrays)
        }
    }()
}

/// The real model files Scripts/setup installs (the test command runs it first).
enum RealKokoro {
    static var folder: URL { SottoPaths().modelsDirectory().appendingPathComponent("kokoro-v1.0-int8") }
    static var modelURL: URL { folder.appendingPathComponent("kokoro-v1.0.int8.onnx") }
    static var voicesURL: URL { folder.appendingPathComponent("voices_ja.npz") }

    /// The model built for a kernel tier, loaded once per tier.
    static func model(_ tier: KernelTier) throws -> KokoroModel {
        try models.value(for: tier) {
            do { return try KokoroModel(contentsOf: modelURL, tier: tier) } catch {
                throw SottoError("\(SottoError.describe(error)); run Scripts/setup to install the models")
            }
        }
    }

    static let models = PerTier<KokoroModel>()
}

/// One value per kernel tier, made on first use; a failure is kept and thrown again.
final class PerTier<Value: Sendable>: Sendable {
    private let values = Mutex<[KernelTier: Result<Value, SottoError>]>([:])

    func value(for tier: KernelTier, _ make: () throws -> Value) throws -> Value {
        if let known = values.withLock({ $0[tier] }) { return try known.get() }
        let made: Result<Value, SottoError>
        do { made = .success(try make()) } catch let error as SottoError { made = .failure(error) } catch {
            made = .failure(SottoError("\(error)"))
        }
        values.withLock { $0[tier] = $0[tier] ?? made }
        return try values.withLock { $0[tier]! }.get()
    }
}

/// How far `actual` is from `expected`, as a listener-blind numeric summary.
struct Discrepancy: CustomStringConvertible {
    let relativeRMS: Double
    let maxAbs: Double
    let referenceRMS: Double

    init(_ actual: [Float], _ expected: [Float]) {
        precondition(actual.count == expected.count, "lengths differ: \(actual.count) vs \(expected.count)")
        var error = 0.0, reference = 0.0, worst = 0.0
        for (a, e) in zip(actual, expected) {
            let d = Double(a) - Double(e)
            error += d * d
            reference += Double(e) * Double(e)
            worst = max(worst, abs(d))
        }
        let n = Double(max(expected.count, 1))
        relativeRMS = (error / max(reference, 1e-30)).squareRoot()
        maxAbs = worst
        referenceRMS = (reference / n).squareRoot()
    }

    var description: String {
        String(format: "relative RMS error %.4f, max |Δ| %.4g (reference RMS %.4g)", relativeRMS, maxAbs, referenceRMS)
    }
}
