import COpenBLAS
import Foundation
import SottoCore

/// Makes OpenBLAS use the fastest kernels this CPU can run.
enum BLASCoreSelection {
    private static let marker = "SOTTO_BLAS_CORE_CHOSEN"

    /// If OpenBLAS detected a core type slower than the CPU supports and the user did not choose
    /// one, restarts this process with OPENBLAS_CORETYPE set. Costs one exec (milliseconds).
    static func reexecIfWorthwhile() {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_CORETYPE"] == nil, env[marker] == nil else { return }
        let detected = String(cString: openblas_get_corename())
        guard let better = CPUFeatures.current.preferredBLASCore(detected: detected) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(marker, "1", 1)
        var argv = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // exec failed: carry on with the detected kernels.
    }

    /// OpenBLAS's idle workers spin for about 2^28 cycles after each call before sleeping. On a
    /// machine with few cores they take the cores from Sotto's own parallel loops (and from the
    /// audio thread) between BLAS calls; measured on two cores, Piper took 12–14 % longer at two
    /// threads with the default than with a spin of 2^4 cycles. Unless the user chose a timeout,
    /// this sets the shortest and restarts the workers, which read it only when they start.
    static func shortenIdleSpin() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"] == nil else { return }
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
        openblas_read_env()
        blas_thread_shutdown_()
        blas_thread_init()
    }

    static var coreName: String { String(cString: openblas_get_corename()) }
    static var threads: Int { Int(openblas_get_num_threads()) }
    static var config: String { String(cString: openblas_get_config()) }
}
