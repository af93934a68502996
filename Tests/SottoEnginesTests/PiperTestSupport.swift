import Foundation
import Piper
import SottoCore
import SottoEngines

/// Piper fixtures live with the model's tests (Tests/PiperTests/Fixtures).
enum PiperFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("PiperTests/Fixtures")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// A descriptor for a voice pair in `folder`, as the catalog would make it.
    static func descriptor(_ name: String, in folder: URL = folder) -> ModelDescriptor {
        let onnx = folder.appendingPathComponent(name + ".onnx")
        return ModelDescriptor(name: name, kind: .piper, url: onnx,
                               files: [ModelFile(role: "weights", url: onnx),
                                       ModelFile(role: "config", url: folder.appendingPathComponent(name + ".onnx.json"))])
    }

    static let joeURL = SottoPaths().modelsDirectory().appendingPathComponent("piper/en_US-joe-medium.onnx")

    /// Engines loaded once per process.
    static let joe: Result<PiperEngine, SottoError> = load(descriptor("en_US-joe-medium", in: joeURL.deletingLastPathComponent()))
    static let multi: Result<PiperEngine, SottoError> = load(descriptor("tiny-multi"))
    static let odd: Result<PiperEngine, SottoError> = load(descriptor("tiny-odd"))

    static func load(_ descriptor: ModelDescriptor) -> Result<PiperEngine, SottoError> {
        do {
            guard let engine = try PiperFamily().load(descriptor, options: LoadOptions()) as? PiperEngine else {
                return .failure(SottoError("PiperFamily made another kind of engine"))
            }
            return .success(engine)
        } catch {
            return .failure(SottoError("\(SottoError.describe(error)) (run Scripts/setup for the real voice)"))
        }
    }

    /// piper-tts's own sentences and ids for the front-end texts.
    struct FrontEndFixture: Decodable {
        struct Text: Decodable {
            struct Sentence: Decodable {
                let phonemes: String
                let ids: [Int]
            }
            let text: String
            let sentences: [Sentence]
        }
        let texts: [Text]
    }

    static let frontEnd: FrontEndFixture? = {
        guard let data = try? Data(contentsOf: url("piper-frontend.json")) else { return nil }
        return try? JSONDecoder().decode(FrontEndFixture.self, from: data)
    }()
}

/// Collects what an engine hands out.
final class ChunkCollector {
    var chunks: [AudioChunk] = []
    var samples: [Float] { chunks.flatMap(\.samples) }
    func callAsFunction(_ chunk: AudioChunk) { chunks.append(chunk) }
}
