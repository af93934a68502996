/// What a Base model needs to speak in a cloned voice: the speaker encoder's x-vector of the
/// reference and, for an in-context clone, the reference's codec codes with the words spoken in
/// it. Without codes and text the clone is x-vector only (the voice's timbre, not its manner).
public struct VoiceClonePrompt: Sendable, Equatable {
    public var xVector: [Float]
    /// Frames of the reference, each one code per code group (16 at 12 Hz).
    public var referenceCodes: [[Int]]?
    public var referenceText: String?

    public init(xVector: [Float], referenceCodes: [[Int]]? = nil, referenceText: String? = nil) {
        self.xVector = xVector
        self.referenceCodes = referenceCodes
        self.referenceText = referenceText
    }

    public var isInContext: Bool { referenceCodes != nil && referenceText != nil }
}
