import Foundation

/// A voice cloned from a recording by a Qwen3-TTS Base model, kept as a voice preset file
/// (`NAME.voice`) with the clone's data in it, so that anything that names a voice or a preset
/// can name it. Beside the usual `model`, `variant = Base`, `language` and `about` it holds:
///
/// - `x_vector`: the speaker encoder's embedding of the recording, float32 little-endian, base64;
/// - `reference_text`, `reference_frames`, `code_groups`, `reference_codes` (in-context clones
///   only): the words spoken in the recording and its codec codes, `reference_frames` ×
///   `code_groups` unsigned 16-bit little-endian values, base64;
/// - `weights`: ``fingerprint`` of the model that made it, written last so that a file cut short
///   anywhere is missing it.
public struct ClonedVoice: Equatable, Sendable {
    /// The model as `-m` takes it (`qwen3:NAME`).
    public var model: String
    /// `sha256:` and 64 hex digits identifying the weights that made the clone data.
    public var fingerprint: String
    public var xVector: [Float]
    /// Frames of the reference, each `code_groups` codes; nil for an x-vector-only clone.
    public var referenceCodes: [[Int]]?
    public var referenceText: String?
    public var language: String?
    public var about: String?

    public static let variant = "Base"
    /// The keys only a cloned voice has; a preset reader accepts them.
    public static let keys = ["x_vector", "reference_text", "reference_frames", "code_groups", "reference_codes", "weights"]

    public init(model: String, fingerprint: String, xVector: [Float], referenceCodes: [[Int]]? = nil,
                referenceText: String? = nil, language: String? = nil, about: String? = nil) {
        self.model = model
        self.fingerprint = fingerprint
        self.xVector = xVector
        self.referenceCodes = referenceCodes
        self.referenceText = referenceText
        self.language = language
        self.about = about
    }

    /// Whether `model` makes cloned voices: a Qwen3-TTS Base model.
    public static func canBeMade(by model: ModelDescriptor) -> Bool {
        model.kind.rawValue == "qwen3" && model.variant?.hasPrefix(variant) == true
    }

    /// Whether a voice file holds a cloned voice rather than a plain preset (a damaged one too:
    /// any clone key, or the Base variant, says so).
    public static func isCloned(_ file: KeyValueFile) -> Bool {
        file["variant"]?.lowercased() == variant.lowercased() || keys.contains { file[$0] != nil }
    }

    public var isInContext: Bool { referenceCodes != nil && referenceText != nil }

    /// Reads the clone from a parsed voice file; `source` names it in errors (its path).
    public init(file: KeyValueFile, source: String) throws {
        func damaged(_ what: String) -> SottoError {
            SottoError("voice file \(source) is damaged or cut short: \(what)",
                       hint: "make it again with sotto clone")
        }
        guard let fingerprint = file["weights"] else { throw damaged("it has no weights line") }
        guard Self.isFingerprint(fingerprint) else { throw damaged("its weights line is not sha256: and 64 hex digits") }
        guard let model = file["model"], !model.isEmpty else { throw damaged("it names no model") }
        guard file["variant"] == nil || file["variant"]?.lowercased() == Self.variant.lowercased() else {
            throw damaged("a cloned voice belongs to a Base model, not variant \(file["variant"] ?? "")")
        }
        guard let xText = file["x_vector"], let xBytes = Data(base64Encoded: xText), !xBytes.isEmpty,
              xBytes.count % 4 == 0 else { throw damaged("its x_vector is not base64 of 32-bit floats") }
        let xVector = Self.floats(xBytes)
        guard xVector.allSatisfy(\.isFinite) else { throw damaged("its x_vector holds a value that is not a number") }
        var codes: [[Int]]?
        let text = file["reference_text"]
        if let codeText = file["reference_codes"] {
            guard let frames = file["reference_frames"].flatMap(Int.init), frames > 0,
                  let groups = file["code_groups"].flatMap(Int.init), groups > 0 else {
                throw damaged("its reference_codes come without reference_frames and code_groups")
            }
            guard let bytes = Data(base64Encoded: codeText), bytes.count == frames * groups * 2 else {
                throw damaged("its reference_codes are not \(frames) frames of \(groups) 16-bit codes in base64")
            }
            let flat = Self.codes(bytes)
            codes = stride(from: 0, to: flat.count, by: groups).map { Array(flat[$0 ..< $0 + groups]) }
            guard text?.isEmpty == false else { throw damaged("its reference_codes come without the reference_text spoken in them") }
        }
        self.init(model: model, fingerprint: fingerprint.lowercased(), xVector: xVector, referenceCodes: codes,
                  referenceText: codes == nil ? nil : text, language: file["language"], about: file["about"])
    }

    /// The voice file's settings, `weights` last.
    public var file: KeyValueFile {
        var file = KeyValueFile(entries: [])
        file.set("model", model)
        file.set("variant", Self.variant)
        if let language { file.set("language", language) }
        if let about { file.set("about", about) }
        if let referenceCodes, let referenceText {
            file.set("reference_text", referenceText)
            file.set("reference_frames", String(referenceCodes.count))
            file.set("code_groups", String(referenceCodes.first?.count ?? 0))
            file.set("reference_codes", Self.base64(codes: referenceCodes.flatMap { $0 }))
        }
        file.set("x_vector", Self.base64(floats: xVector))
        file.set("weights", fingerprint)
        return file
    }

    /// The text of the voice file.
    public var text: String {
        file.serialized(header: ["Sotto cloned voice (Qwen3-TTS Base): use it with --voice NAME or name it in a preset."])
    }

    public static func isFingerprint(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1)
        return parts.count == 2 && parts[0] == "sha256" && parts[1].count == 64 && parts[1].allSatisfy(\.isHexDigit)
    }

    static func base64(floats: [Float]) -> String {
        var data = Data(capacity: floats.count * 4)
        for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    /// Codes are codebook indices (2048 entries at 12 Hz), so 16 bits hold them.
    static func base64(codes: [Int]) -> String {
        var data = Data(capacity: codes.count * 2)
        for code in codes { withUnsafeBytes(of: UInt16(clamping: code).littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    static func floats(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    static func codes(_ data: Data) -> [Int] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 2).map { Int(UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }
}
