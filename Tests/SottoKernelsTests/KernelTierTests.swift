import CKernels
import SottoKernels
import Testing

@Suite struct KernelTierTests {
    @Test func namesRoundTrip() {
        for tier in KernelTier.allCases { #expect(KernelTier(name: tier.description) == tier) }
        #expect(KernelTier(name: "sse") == nil)
        #expect(KernelTier(name: "AVX2") == nil)
        #expect(KernelTier.allCases.map(\.description) == ["generic", "avx2", "avx512", "amx"])
    }

    @Test func activeTierIsOneThisCPURuns() {
        #expect(KernelTier.active.isSupported)
        #expect(KernelTier.active <= KernelTier.cpu)
        #expect(KernelTier.supported.first == .generic)
        #expect(KernelTier.supported.last == KernelTier.cpu)
    }

    /// SOTTO_ISA is refused with one line when it names no tier or one this CPU lacks.
    @Test func environmentRequestsAreChecked() {
        #expect(KernelTier.environmentProblem([:]) == nil)
        #expect(KernelTier.environmentProblem(["SOTTO_ISA": "generic"]) == nil)
        let unknown = KernelTier.environmentProblem(["SOTTO_ISA": "sse9"])
        #expect(unknown?.contains("not a kernel tier") == true)
        #expect(unknown?.contains("generic, avx2, avx512, amx") == true)
        if let missing = KernelTier.allCases.first(where: { !$0.isSupported }) {
            let problem = KernelTier.environmentProblem(["SOTTO_ISA": missing.description])
            #expect(problem?.contains("this CPU cannot run the \(missing) tier") == true)
        }
        for tier in KernelTier.supported { #expect(KernelTier.environmentProblem(["SOTTO_ISA": tier.description]) == nil) }
    }

    /// OpenBLAS follows the tier: SkylakeX kernels only where every subset they use is present,
    /// Haswell kernels when an AVX-512 CPU is pinned to AVX2, SSE kernels for the generic tier.
    @Test func openBLASCoreFollowsTheTier() {
        #expect(OpenBLASCore.preferred(detected: "Haswell", tier: .avx512, runsSkylakeX: true) == "SkylakeX")
        #expect(OpenBLASCore.preferred(detected: "Zen", tier: .amx, runsSkylakeX: true) == "SkylakeX")
        #expect(OpenBLASCore.preferred(detected: "SkylakeX", tier: .avx512, runsSkylakeX: true) == nil)
        #expect(OpenBLASCore.preferred(detected: "Haswell", tier: .avx512, runsSkylakeX: false) == nil)
        #expect(OpenBLASCore.preferred(detected: "Zen", tier: .avx2, runsSkylakeX: false) == nil)
        #expect(OpenBLASCore.preferred(detected: "SkylakeX", tier: .avx2, runsSkylakeX: true) == "Haswell")
        #expect(OpenBLASCore.preferred(detected: "SapphireRapids", tier: .avx2, runsSkylakeX: true) == "Haswell")
        #expect(OpenBLASCore.preferred(detected: "Zen", tier: .generic, runsSkylakeX: false) == "Nehalem")
        #expect(OpenBLASCore.preferred(detected: "Nehalem", tier: .generic, runsSkylakeX: false) == nil)
        // A CPU newer than OpenBLAS knows (an Emerald Rapids Xeon) is detected as Prescott, SSE3.
        #expect(OpenBLASCore.preferred(detected: "Prescott", tier: .avx512, runsSkylakeX: true) == "SkylakeX")
        #expect(OpenBLASCore.preferred(detected: "Prescott", tier: .avx512, runsSkylakeX: false) == "Haswell")
        #expect(OpenBLASCore.preferred(detected: "Prescott", tier: .avx2, runsSkylakeX: true) == "Haswell")
        #expect(OpenBLASCore.preferred(detected: "Prescott", tier: .generic, runsSkylakeX: true) == "Nehalem")
    }
}
