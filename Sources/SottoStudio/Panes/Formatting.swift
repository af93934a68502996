import Foundation

/// Numbers as the panes show them.
enum Formatting {
    /// "0.214 s", "1.84 s", "12.3 s", "2 min 05 s".
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch value {
        case ..<1: return String(format: "%.3f s", value)
        case ..<10: return String(format: "%.2f s", value)
        case ..<120: return String(format: "%.1f s", value)
        default: return String(format: "%d min %02d s", Int(value) / 60, Int(value) % 60)
        }
    }

    /// "3.6s" for narrow columns.
    static func shortSeconds(_ value: Double) -> String {
        value < 100 ? String(format: "%.1fs", value) : String(format: "%.0fs", value)
    }

    /// "0:01.2"
    static func clock(_ value: Double) -> String {
        let safe = max(0, value.isFinite ? value : 0)
        let minutes = Int(safe) / 60
        return String(format: "%d:%04.1f", minutes, safe - Double(minutes * 60))
    }

    /// "95.0 MB", "1.2 GB", "512 KB" (decimal units, as disk sizes are usually given).
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        return (value < 100 ? String(format: "%.1f ", value) : String(format: "%.0f ", value)) + units[unit]
    }

    /// "412 MB" for resident memory given in MiB.
    static func megabytes(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f MB", value) : String(format: "%.0f MB", value)
    }

    /// "1.00"
    static func speed(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The text on one line: line breaks as spaces.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
