import Foundation
import SottoCore

/// What identifies the weights a cloned voice was made with, cheaply: SHA-256 over the size and
/// safetensors header of the talker file and of the codec (tensor names, dtypes, shapes and
/// offsets: this tells a 0.6B model from a 1.7B one, a Base model from a CustomVoice one, bf16
/// from fp32) and over the bytes of the speaker encoder that computes the x-vector (about ten
/// million values in the released configs, so two checkpoints of the same shape differ too).
/// That is about a hundredth of the 1.8–3.8 GB a whole-file digest would read.
public enum Qwen3WeightsFingerprint {
    static let files = ["model.safetensors", "speech_tokenizer/model.safetensors"]
    static let speakerEncoderPrefix = "speaker_encoder."

    /// `sha256:` and 64 hex digits for the model in `folder`.
    public static func of(folder: URL) throws -> String {
        var hasher = SHA256()
        hasher.update(Data("sotto qwen3 clone weights 1\n".utf8))
        for name in files {
            let url = folder.appendingPathComponent(name)
            let file = try MappedFile(url)
            try file.withBytes { bytes in
                let header = try SafetensorsHeader(bytes, path: url.path)
                hasher.update(Data("\(name) \(bytes.count)\n".utf8))
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0 ..< header.dataOffset]))
                for tensor in header.tensors.values.filter({ $0.name.hasPrefix(speakerEncoderPrefix) })
                    .sorted(by: { $0.name < $1.name }) {
                    let range = (header.dataOffset + tensor.range.lowerBound) ..< (header.dataOffset + tensor.range.upperBound)
                    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[range]))
                }
            }
        }
        return "sha256:" + hasher.finalize()
    }
}
