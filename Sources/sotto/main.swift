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
// Once OpenBLAS's workers are started, which is where the room at start-up is settled.
MemoryShortage.ensureRoomToStart()
Sotto.runReportingArgumentErrors()
