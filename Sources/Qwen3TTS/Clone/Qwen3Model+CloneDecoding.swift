import Foundation
import SottoCore

extension Qwen3Model {
    /// The waveform of an in-context clone's take, as the reference makes it: the reference's
    /// codes and the generated ones decoded as one utterance (so the take continues the
    /// reference's sound), then the reference's share cut off. Other takes are decoded alone.
    public func decodeClonedTake(_ frames: [[Int]], clone: VoiceClonePrompt) throws -> [Float] {
        guard clone.isInContext, let reference = clone.referenceCodes else {
            return try codec.decodeLikeReference(frames)
        }
        let wave = try codec.decodeLikeReference(reference + frames)
        let cut = Self.referenceCut(referenceFrames: reference.count, totalFrames: reference.count + frames.count,
                                    samples: wave.count)
        return Array(wave[min(cut, wave.count)...])
    }

    /// Where the reference's part of a jointly decoded take ends: the reference's share of the
    /// frames times the samples, truncated, in double precision exactly as the reference code
    /// computes it (`int(ref / max(total, 1) * len)`), which can fall one sample short of
    /// `referenceFrames × 1920`.
    public static func referenceCut(referenceFrames: Int, totalFrames: Int, samples: Int) -> Int {
        Int(Double(referenceFrames) / Double(max(totalFrames, 1)) * Double(samples))
    }
}

extension VoiceClonePrompt {
    /// The reference codes an in-context clone's take is decoded after (nil otherwise).
    public var inContextReferenceCodes: [[Int]]? { isInContext ? referenceCodes : nil }
}
