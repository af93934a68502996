/// How a sentence's latent is decoded: in windows of frames, each delivered as soon as it exists,
/// so first audio comes after the first window instead of after the whole sentence.
///
/// Window k keeps `first · growthᵏ` frames (at most `maximum`); a last window shorter than half the
/// one before it joins that one. Around each window the decoder computes, at every layer, exactly
/// the columns its kept samples depend on (``HiFiGANDecoder/plan(frames:totalFrames:)``), so a
/// window's audio is the whole-sentence audio up to float rounding and the seams between windows
/// cost only the few columns of context each layer adds.
public struct PiperDecodeWindows: Sendable, Equatable {
    /// Frames of the first window (at 22.05 kHz and hop 256, one frame is 11.6 ms of audio).
    public var first: Int
    /// Each window keeps this many times the frames of the one before.
    public var growth: Int
    /// The most frames one window keeps.
    public var maximum: Int
    /// For tests only: latent frames of the computed context left out on each side of every
    /// seam, to show that the seams then differ (0 in use).
    public var contextShortfall: Int

    public init(first: Int, growth: Int = 2, maximum: Int, contextShortfall: Int = 0) {
        precondition(first >= 1 && growth >= 1 && maximum >= first && contextShortfall >= 0, "invalid decode windows")
        self.first = first
        self.growth = growth
        self.maximum = maximum
        self.contextShortfall = contextShortfall
    }

    /// One window for the whole sentence: first audio waits for all of it.
    public static let whole = PiperDecodeWindows(first: Int.max / 4, growth: 1, maximum: Int.max / 4)

    /// What Sotto uses. The first window is 16 frames (186 ms at joe-medium's rate), which the
    /// decoder makes in about a 25th of that; windows then double, so each is ready well before
    /// the audio before it has played, up to 256 frames, beyond which longer windows no longer
    /// save measurable time per seam.
    public static let standard = PiperDecodeWindows(first: 16, growth: 2, maximum: 256)

    /// The kept frame ranges for a sentence of `total` frames, in order, covering it.
    public func windows(total: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, size = first
        while start < total {
            var end = total - start <= size ? total : start + size
            let next = min(maximum, size.multipliedReportingOverflow(by: growth).overflow ? maximum : size * growth)
            if end < total && total - end < next / 2 { end = total }
            ranges.append(start ..< end)
            start = end
            size = next
        }
        return ranges
    }
}

/// Receptive-field arithmetic for the layers of a convolutional stack, in one layer's own
/// column coordinates over the whole signal.
enum Reach {
    /// Input columns a stride-1, length-keeping convolution reads for output columns `out`:
    /// output n reads inputs n − left … n + right. Clipped to the signal `0 ..< length`, where the
    /// reference pads with zeros as a window does at its ends.
    static func sameLength(_ out: Range<Int>, left: Int, right: Int, length: Int) -> Range<Int> {
        max(0, out.lowerBound - left) ..< min(length, out.upperBound + right)
    }

    /// Input steps a transposed convolution reads for output columns `out`: output n receives
    /// input t through tap j when n = t·stride + j·dilation − padding, so t runs from
    /// ⌈(n + padding − (kernel − 1)·dilation) / stride⌉ to ⌊(n + padding) / stride⌋.
    static func transposed(_ out: Range<Int>, kernel: Int, stride: Int, padding: Int, dilation: Int,
                           length: Int) -> Range<Int> {
        let lo = ceilDivide(out.lowerBound + padding - (kernel - 1) * dilation, stride)
        let hi = floorDivide(out.upperBound - 1 + padding, stride) + 1
        return max(0, lo) ..< min(length, hi)
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }
}
