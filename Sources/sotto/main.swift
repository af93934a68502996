import Foundation
import SottoKernels

// A kernel tier this CPU cannot run is refused before anything else happens.
if let problem = KernelTier.environmentProblem() {
    FileHandle.standardError.write(Data("sotto: \(problem)\n".utf8))
    exit(2)
}
// OpenBLAS picks its kernels when the library loads, before any Swift code runs, so another
// core type can only take effect in a fresh process image.
OpenBLASCore.reexecIfWorthwhile()
OpenBLASCore.shortenIdleSpin()
Sotto.main()
