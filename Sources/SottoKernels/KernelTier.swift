import CKernels
import Foundation

/// The widest instructions Sotto's kernels use, chosen at run time: the CPU's best unless the
/// environment variable `SOTTO_ISA` names a lower tier. Engines pick their kernels when a model
/// loads (matrix tiles, integer or float convolutions), so a model built for a tier runs that
/// tier's kernels whatever the process default; tests build one per tier.
public enum KernelTier: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Portable C and Swift only.
    case generic = 0
    /// AVX2 and FMA.
    case avx2 = 1
    /// AVX-512 (F, BW, VL), with VNNI and BF16 instructions where the CPU has them.
    case avx512 = 2
    /// AVX-512 plus AMX bf16 matrix tiles, where the CPU has them and Linux grants them.
    case amx = 3

    /// The name `SOTTO_ISA` takes.
    public var description: String { String(cString: sotto_tier_name(Int32(rawValue))) }

    public init?(name: String) {
        let value = sotto_tier_named(name)
        guard value >= 0, let tier = KernelTier(rawValue: Int(value)) else { return nil }
        self = tier
    }

    public static func < (a: KernelTier, b: KernelTier) -> Bool { a.rawValue < b.rawValue }

    /// The best tier this CPU and OS support.
    public static let cpu = KernelTier(rawValue: Int(sotto_cpu_tier())) ?? .generic

    /// The tier kernels run at in this process.
    public static let active = KernelTier(rawValue: Int(sotto_active_tier())) ?? .generic

    /// Whether this machine can run the tier.
    public var isSupported: Bool { self <= Self.cpu }

    /// Every tier this machine can run, lowest first.
    public static var supported: [KernelTier] { allCases.filter(\.isSupported) }

    /// The instruction path of the C kernels that belongs to this tier (`SOTTO_PATH_*`).
    public var kernelPath: Int32 {
        switch self {
        case .generic: Int32(SOTTO_PATH_SCALAR.rawValue)
        case .avx2: Int32(SOTTO_PATH_AVX2.rawValue)
        case .avx512, .amx: Int32(SOTTO_PATH_AVX512.rawValue)
        }
    }

    /// Why `SOTTO_ISA` cannot be honoured, or nil when it is unset or names a supported tier.
    /// Commands print this and exit before any kernel runs.
    public static func environmentProblem(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let asked = environment["SOTTO_ISA"] else { return nil }
        let names = allCases.map(\.description).joined(separator: ", ")
        guard let tier = KernelTier(name: asked) else {
            return "SOTTO_ISA=\(asked) is not a kernel tier (use one of \(names))"
        }
        guard tier.isSupported else {
            return "SOTTO_ISA=\(asked): this CPU cannot run the \(tier) tier (its best is \(cpu))"
        }
        return nil
    }
}
