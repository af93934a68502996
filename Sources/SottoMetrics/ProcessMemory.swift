import Foundation

/// Resident memory of this process, read from /proc (Linux).
public enum ProcessMemory {
    public struct Reading: Sendable, Equatable {
        /// Resident set size now, in bytes.
        public var residentBytes: Int
        /// Highest resident set size since the process started or since `resetPeak()`, in bytes.
        public var peakResidentBytes: Int
        public var residentMB: Double { Double(residentBytes) / 1_048_576 }
        public var peakResidentMB: Double { Double(peakResidentBytes) / 1_048_576 }
    }

    /// Reads VmRSS and VmHWM from /proc/self/status; nil where /proc is unavailable.
    public static func read() -> Reading? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return parse(status: status)
    }

    /// Parses the text of a /proc/<pid>/status file.
    public static func parse(status: String) -> Reading? {
        var rss: Int?
        var hwm: Int?
        for line in status.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kilobytes(line) }
            else if line.hasPrefix("VmHWM:") { hwm = kilobytes(line) }
        }
        guard let rss, let hwm else { return nil }
        return Reading(residentBytes: rss * 1024, peakResidentBytes: max(hwm, rss) * 1024)
    }

    /// Starts a new peak window, so a take's peak is its own rather than the process's.
    /// Writing "5" to /proc/self/clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    /// Returns false when the kernel refused.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    private static func kilobytes(_ line: Substring) -> Int? {
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }
}
