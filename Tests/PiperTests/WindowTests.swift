import Foundation
import Piper
import SottoCore
import Testing

/// Decoding in windows against decoding the whole sentence, on every fixture (the real voice and
/// the synthetic ones, both decoder layouts), with the fixture's own noise injected.
///
/// Tolerance. Every layer between the flow's input and the waveform is a convolution over time
/// or a per-column operation, and a window computes, at every layer, all the columns its kept
/// samples read (the receptive field, walked back from the layers' kernels, strides, paddings
/// and dilations). So each kept sample is formed from the same numbers, the same products and
/// the same functions as in the whole sentence. What can differ is only the order of a few sums:
/// a column's place in its register tile or sgemm block moves with the window's start, and some
/// edge columns take another path of the same kernel. Each such reordering changes a K-term
/// float32 sum by at most about K·u of its absolute sum (u = 6e-8), in practice a few u·√K
/// ≈ 1e-6 relative, and through the flow's 16 WaveNet layers and the decoder's ~40 convolutions
/// that compounds to below 1e-5 of the waveform's peak, 50 times tighter than the bound against
/// onnxruntime (which also differs in exp, tanh and every sum). Measured on the fixtures with 1
/// to 35 seams: at most 2.2e-6 of the peak. A missing frame of context is far above it: with one
/// frame of the computed context left out, the seams differ by 1.4e-3 to 3.4e-2 of the peak.
enum WindowTolerance {
    static let peak: Float = 1e-5
}

/// Small windows, so even the short fixtures have several seams; the second to make the flow
/// run in two pieces where the sentence is long enough.
let testWindows = [PiperDecodeWindows(first: 3, growth: 2, maximum: 8),
                   PiperDecodeWindows(first: 5, growth: 3, maximum: 40)]

@Suite struct WindowTests {
    struct Takes {
        let whole: [Float]
        let chunks: [[Float]]
        let windows: [Range<Int>]
        let hop: Int
    }

    static func takes(_ name: String, _ windows: PiperDecodeWindows) throws -> Takes {
        let reference = try ReferenceCase(name)
        let piper = try model(for: name)
        var options = try reference.options(recordStages: false)
        options.windows = .whole
        var unused = GaussianNoise(seed: 5)
        let whole = try piper.synthesize(ids: reference.ids, options: options, noise: &unused)
        options.windows = windows
        var chunks: [[Float]] = []
        let streamed = try piper.synthesize(ids: reference.ids, options: options, noise: &unused) { chunks.append($0) }
        #expect(streamed.audio.isEmpty)
        #expect(streamed.durations == whole.durations)
        let total = whole.durations.reduce(0, +)
        return Takes(whole: whole.audio, chunks: chunks, windows: windows.windows(total: total), hop: piper.hopLength)
    }

    @Test func windowsCoverTheSentenceGrowingToTheirMaximum() {
        let standard = PiperDecodeWindows.standard
        for total in [1, 15, 16, 17, 40, 100, 257, 870, 5000] {
            let windows = standard.windows(total: total)
            #expect(windows.first?.lowerBound == 0 && windows.last?.upperBound == total)
            #expect(zip(windows, windows.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(windows.allSatisfy { !$0.isEmpty && $0.count <= standard.maximum + standard.maximum / 2 })
        }
        #expect(standard.windows(total: 870).map(\.count) == [16, 32, 64, 128, 256, 374])
        #expect(standard.windows(total: 60).map(\.count) == [16, 44])
        #expect(PiperDecodeWindows.whole.windows(total: 870) == [0 ..< 870])
    }

    /// Every fixture, two window layouts: the chunks are the windows, in order, and together
    /// they are the whole-sentence audio within float rounding, most of all around each seam.
    @Test(arguments: referenceCases, testWindows.indices)
    func windowedAudioIsTheWholeSentence(_ name: String, _ layout: Int) throws {
        let takes = try Self.takes(name, testWindows[layout])
        #expect(takes.chunks.map(\.count) == takes.windows.map { $0.count * takes.hop })
        let streamed = takes.chunks.flatMap { $0 }
        try #require(streamed.count == takes.whole.count)
        let bound = WindowTolerance.peak * max(peak(takes.whole), 1e-3)
        let (worst, at) = maxAbsDifference(streamed, takes.whole)
        #expect(worst <= bound, "|Δ| = \(worst) at sample \(at) exceeds \(bound)")
        for seam in takes.windows.dropFirst().map({ $0.lowerBound * takes.hop }) {
            let near = max(0, seam - takes.hop) ..< min(streamed.count, seam + takes.hop)
            let (difference, offset) = maxAbsDifference(Array(streamed[near]), Array(takes.whole[near]))
            #expect(difference <= bound, "seam at sample \(seam): |Δ| = \(difference) at \(near.lowerBound + offset)")
        }
    }

    /// The check sees a window that reads one latent frame less than its receptive field on
    /// each side: the difference then sits at the seams and is far above the tolerance.
    @Test(arguments: ["joe-fox", "tiny-odd-base", "tiny-multi-base"])
    func oneFrameLessContextShowsAtTheSeams(_ name: String) throws {
        var windows = testWindows[0]
        windows.contextShortfall = 1
        let takes = try Self.takes(name, windows)
        let streamed = takes.chunks.flatMap { $0 }
        try #require(streamed.count == takes.whole.count && takes.windows.count > 1)
        let bound = WindowTolerance.peak * max(peak(takes.whole), 1e-3)
        var worstAtSeams: Float = 0
        for seam in takes.windows.dropFirst().map({ $0.lowerBound * takes.hop }) {
            let near = max(0, seam - takes.hop) ..< min(streamed.count, seam + takes.hop)
            worstAtSeams = max(worstAtSeams, maxAbsDifference(Array(streamed[near]), Array(takes.whole[near])).value)
        }
        #expect(worstAtSeams > 10 * bound, "one frame less context changed the seams by only \(worstAtSeams)")
    }
}
