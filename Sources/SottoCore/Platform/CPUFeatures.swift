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

}
