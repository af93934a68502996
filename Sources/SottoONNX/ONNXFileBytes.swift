import Foundation
import SottoCore

/// The bytes of one ONNX file, shared by the model and every tensor read from it. Tensor
/// payloads stay ranges into these bytes (the memory map, for files) until converted, so
/// loading a model copies no weights.
final class ONNXFileBytes: Sendable {
    let data: Data
    /// The file's name, which every error about its contents starts with.
    let label: String

    init(data: Data, label: String) {
        self.data = data
        self.label = label
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try data.withUnsafeBytes(body)
    }

    func error(_ message: String, hint: String? = nil) -> SottoError {
        SottoError("\(label): \(message)", hint: hint)
    }
}
