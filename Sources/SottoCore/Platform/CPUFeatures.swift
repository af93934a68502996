import Foundation

/// The instruction-set extensions this CPU reports in /proc/cpuinfo.
public struct CPUFeatures: Sendable {
    public let flags: Set<String>
    public let modelName: String

    public init(flags: Set<String>, modelName: String = "") {
        self.flags = flags
        self.modelName = modelName
    }

    /// Reads the first processor's entry of /proc/cpuinfo; empty where it is unavailable.
    public static let current: CPUFeatures = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return CPUFeatures(flags: [])
        }
        return parse(cpuinfo: text)
    }()

    public static func parse(cpuinfo: String) -> CPUFeatures {
        var flags = Set<String>()
        var model = ""
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "flags", flags.isEmpty {
                flags = Set(parts[1].split(separator: " ").map(String.init))
            } else if key == "model name", model.isEmpty {
                model = parts[1].trimmingCharacters(in: .whitespaces)
            }
            if !flags.isEmpty, !model.isEmpty { break }
        }
        return CPUFeatures(flags: flags, modelName: model)
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels execute.
    public var hasSkylakeXSubset: Bool {
        ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(has)
    }

    /// The OpenBLAS core type to force, if OpenBLAS's own detection would pick slower kernels.
    /// OpenBLAS 0.3.21 runs CPUs newer than it knows (Zen 4/5, Sapphire Rapids) with its AVX2
    /// Haswell kernels; SkylakeX kernels measured twice as fast there. Only when every subset
    /// those kernels use is present, so a CPU without AVX-512 never gets them.
    public func preferredBLASCore(detected: String) -> String? {
        guard hasSkylakeXSubset else { return nil }
        let avx2Only = ["haswell", "zen", "sandybridge"]
        return avx2Only.contains(detected.lowercased()) ? "SkylakeX" : nil
    }
}
