import Foundation

/// Time since this process started, for cold-start figures (process start to first audio).
public enum ProcessClock {
    /// Seconds since the kernel started this process, from /proc/self/stat and /proc/uptime;
    /// nil where /proc is unavailable.
    public static func secondsSinceStart() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let uptime = Double(uptimeText.split(separator: " ").first ?? "") else { return nil }
        // The command name (field 2) may contain spaces; fields after its closing parenthesis are
        // plain. starttime is field 22 overall, i.e. the 20th after the parenthesis.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return uptime - ticks / hertz
    }
}
