@preconcurrency import Glibc

/// False when something printed to standard output could not be written: flushing fails now, or
/// an earlier flush failed. Called once, at exit.
func standardOutputDelivered() -> Bool {
    fflush(stdout) == 0 && ferror(stdout) == 0
}
