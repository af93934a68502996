import Foundation
import Qwen3TTS
import SottoCore

/// The cloned voices one Qwen3-TTS Base model can speak in: voice files whose weights fingerprint
/// is this model's. The fingerprint is computed once, the first time a voice is asked for.
public final class Qwen3ClonedVoices: @unchecked Sendable {
    public let model: ModelDescriptor
    public let folders: VoiceFolders
    private let lock = NSLock()
    private var cachedFingerprint: String?

    public init(model: ModelDescriptor, folders: VoiceFolders = .standard()) {
        self.model = model
        self.folders = folders
    }

    /// Whether `model` is a Base model, whose voices are cloned.
    public static func clones(_ model: ModelDescriptor) -> Bool { ClonedVoice.canBeMade(by: model) }

    public var fingerprint: String {
        get throws {
            lock.lock()
            defer { lock.unlock() }
            if let cachedFingerprint { return cachedFingerprint }
            let value = try Qwen3WeightsFingerprint.of(folder: model.url)
            cachedFingerprint = value
            return value
        }
    }

    /// The prompt of the cloned voice `reference` names (a name or a voice file's path); nil
    /// when no voice file has that name. A file made with other weights is refused.
    public func prompt(named reference: String) throws -> VoiceClonePrompt? {
        guard let (voice, url) = try folders.clonedVoice(named: reference) else { return nil }
        try check(voice, named: reference, at: url)
        return VoiceClonePrompt(xVector: voice.xVector, referenceCodes: voice.referenceCodes, referenceText: voice.referenceText)
    }

    /// Whether `voice` was made with this model's weights.
    public func matches(_ voice: ClonedVoice) throws -> Bool {
        try voice.fingerprint == fingerprint
    }

    func check(_ voice: ClonedVoice, named reference: String, at url: URL) throws {
        guard try !matches(voice) else { return }
        let made = voice.model == model.id ? "other weights of \(voice.model)" : voice.model
        throw SottoError("voice \"\(reference)\" (\(url.path)) was cloned with \(made), not with \(model.id)",
                         hint: "use -m \(voice.model), or clone it again with -m \(model.id)")
    }

    /// The voice file's contents for a clone this model made.
    public func voice(from prompt: VoiceClonePrompt, language: String? = nil, about: String? = nil) throws -> ClonedVoice {
        ClonedVoice(model: model.id, fingerprint: try fingerprint, xVector: prompt.xVector,
                    referenceCodes: prompt.isInContext ? prompt.referenceCodes : nil,
                    referenceText: prompt.isInContext ? prompt.referenceText : nil, language: language, about: about)
    }
}
