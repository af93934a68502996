import CKernels
import Glibc

/// What happens when memory runs out inside the kernels, where an allocation cannot throw
/// (tensors are created in non-throwing code paths throughout the engines).
///
/// A program installs a handler that reports the shortage on one line, removes anything
/// half-written and exits; without one, the process stops with the same message. Either way the
/// failure is reported, never a bare trap.
public enum MemoryShortage {
    public typealias Handler = @Sendable (_ what: String) -> Never

    nonisolated(unsafe) private static var handler: Handler?

    /// Installs the handler; call once at start-up, before any thread allocates.
    public static func setHandler(_ newHandler: @escaping Handler) {
        handler = newHandler
    }

    /// Reports that `what` ("allocate 163 MB", …) could not be done, and does not return.
    public static func fail(_ what: String) -> Never {
        if let handler { handler(what) }
        fatalError("not enough memory to \(what)")
    }

    /// Fails (see ``fail(_:)``) when the address-space limit leaves no room for `bytes` more.
    /// For allocations Swift cannot recover from, such as arrays, which trap when memory is out.
    /// `slack` is room for the allocator's own mappings besides the bytes themselves; a caller
    /// whose figure was measured as the growth of the whole address space passes less.
    public static func ensureRoom(for bytes: Int, to what: String, slack: Int = 16 << 20) {
        guard let limit = addressSpaceLimit, let mapped = mappedBytes(), limit - mapped < bytes + slack else { return }
        fail("\(what): the address-space limit (ulimit -v) of \(describe(bytes: limit)) leaves "
             + "\(describe(bytes: max(0, limit - mapped)))")
    }

    /// Under an address-space limit, has all threads allocate from one heap. glibc gives a thread
    /// that finds the heap busy an arena of its own, reserving 64 MB of address space at that
    /// moment, which can take the room a check has just confirmed (measured: OpenBLAS's 134 MB
    /// buffer then failed after its check had passed, and OpenBLAS retried it forever). Call at
    /// start-up, before other threads allocate.
    public static func keepOneHeapUnderALimit() {
        if addressSpaceLimit != nil { sotto_use_one_malloc_arena() }
    }

    /// Room a process must have left to start at all (``ensureRoomToStart()``).
    public static let roomToStart = 32 << 20

    /// Fails when the address-space limit leaves less than ``roomToStart``. Under a limit that
    /// leaves almost nothing, any small allocation may be the one that fails, and in Swift that is
    /// a trap. Below this, nothing Sotto runs fits.
    public static func ensureRoomToStart() {
        ensureRoom(for: roomToStart, to: "start", slack: 0)
    }

    /// "163 MB" for a byte count.
    public static func describe(bytes: Int) -> String {
        bytes >= 1_000_000 ? "\(bytes / 1_000_000) MB" : "\(bytes / 1000) KB"
    }

    /// The address-space limit (`ulimit -v`) in bytes, or nil when there is none.
    public static var addressSpaceLimit: Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Bytes of address space the process has mapped now (VmSize), from /proc/self/statm.
    public static func mappedBytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        guard let pages = Int(String(decoding: buffer[..<count].prefix { $0 != 0x20 }, as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
