import SottoKernels
import Testing

/// Every stage check of KokoroStageTests again for each kernel tier other than the active one
/// (which KokoroStageTests covers), on a model built for that tier: the integer convolutions'
/// portable and AVX2 paths, and the matrix tiles where the CPU has them. A tier this CPU lacks
/// shows as skipped.
@Suite(.serialized) struct KokoroTierTests {
    static func runsHere(_ tier: KernelTier) -> Bool { tier.isSupported && tier != .active }

    @Test(.enabled(if: runsHere(.generic), "needs a CPU other than the active tier's; portable kernels"))
    func generic() throws { try KokoroStageTests.checkAll(.generic) }

    @Test(.enabled(if: runsHere(.avx2), "needs AVX2 and FMA, and another active tier"))
    func avx2() throws { try KokoroStageTests.checkAll(.avx2) }

    @Test(.enabled(if: runsHere(.avx512), "needs AVX-512 F/BW/VL, and another active tier"))
    func avx512() throws { try KokoroStageTests.checkAll(.avx512) }

    @Test(.enabled(if: runsHere(.amx), "needs AMX tiles, and another active tier"))
    func amx() throws { try KokoroStageTests.checkAll(.amx) }

    /// What a model holds depends on its tier: one byte per convolution weight on the integer
    /// tiers, where the tiles keep bf16 (two) and the float kernel four. (The byte kernel pads
    /// input channels to groups of four, the 16-bit one to pairs: a few hundred kB apart.)
    @Test(.enabled(if: KernelTier.avx2.isSupported))
    func integerTiersHoldByteWeights() throws {
        let generic = try RealKokoro.model(.generic), avx2 = try RealKokoro.model(.avx2)
        #expect(abs(generic.weightBytes - avx2.weightBytes) <= generic.weightBytes / 1000,
                "\(generic.weightBytes) against \(avx2.weightBytes)")
        // 82 M parameters: as floats they would take 328 MB.
        #expect(avx2.weightBytes < 200_000_000, "holds \(avx2.weightBytes) bytes")
    }
}
