import Foundation

// OpenBLAS picks its kernels when the library loads, before any Swift code runs, so a better
// core type can only take effect in a fresh process image.
BLASCoreSelection.reexecIfWorthwhile()
StandardStreams.secure()
FailureExit.install()
BLASCoreSelection.shortenIdleSpin()
Sotto.runReportingArgumentErrors()
