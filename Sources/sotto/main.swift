import Foundation
import SottoKernels

// OpenBLAS picks its kernels when the library loads, before any Swift code runs, so another
// core type (the active kernel tier's) can only take effect in a fresh process image.
OpenBLASCore.reexecIfWorthwhile()
MemoryShortage.keepOneHeapUnderALimit()
StandardStreams.secure()
// A kernel tier this CPU cannot run is refused before anything else happens.
if let problem = KernelTier.environmentProblem() {
    StandardStreams.error("sotto: \(problem)")
    exit(2)
}
FailureExit.install()
OpenBLASCore.shortenIdleSpin()
OpenBLASCore.startDeferredWorkers()
// Under an address-space limit that leaves almost nothing, any small allocation may be the one
// that fails, and in Swift that is a trap: refuse once OpenBLAS's workers hold their buffers, while one line can still be printed.
MemoryShortage.ensureRoom(for: 32 << 20, to: "start", slack: 0)
Sotto.runReportingArgumentErrors()
