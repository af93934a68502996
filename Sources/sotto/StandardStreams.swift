import Foundation
import Glibc
import SottoCore

/// Standard input, output and error as the process found them, written and read without traps.
///
/// A stream closed by the caller (`<&-`, `>&-`, `2>&-`) would otherwise leave its descriptor
/// free for the next file Sotto opens — a model, or the audio file being written — so that
/// later messages would land inside that file. `secure()` parks such a descriptor on
/// `/dev/null` opened read-only: reads see an empty stream, writes fail as on a closed one.
enum StandardStreams {
    nonisolated(unsafe) private static var closedAtStart: Set<Int32> = []

    static func secure() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) < 0 {
            closedAtStart.insert(descriptor)
            let parked = open("/dev/null", O_RDONLY)
            if parked >= 0 && parked != descriptor {
                dup2(parked, descriptor)
                close(parked)
            }
        }
        // A reader that goes away (`sotto say -o - | head -c 100`) is reported as an error
        // instead of killing the process mid-write.
        signal(SIGPIPE, SIG_IGN)
        // Output printed with `print` is buffered; a failure to deliver it (stdout closed, a full
        // disk, a reader gone) must not end in a successful exit status.
        atexit {
            guard !standardOutputDelivered() else { return }
            let reason = StandardStreams.isClosed(STDOUT_FILENO) ? "it is closed" : String(cString: strerror(errno))
            StandardStreams.error("sotto: cannot write to standard output: \(reason)")
            _exit(EXIT_FAILURE)
        }
    }

    static func isClosed(_ descriptor: Int32) -> Bool { closedAtStart.contains(descriptor) }

    /// A line on standard error; nothing happens (and nothing traps) when it cannot be written.
    static func error(_ line: String) {
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        _ = text.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }

    /// Everything on standard input, as text.
    static func readInput() throws -> String {
        if isClosed(STDIN_FILENO) {
            throw SottoError("no text to speak: standard input is closed",
                                   hint: "pass the text as an argument or pipe it in")
        }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SottoError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            data += buffer[..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
