import CKernels
import COpenBLAS
import Foundation

/// Makes OpenBLAS run the kernels of Sotto's active tier: the fastest this CPU can run, or those
/// of the tier `SOTTO_ISA` names, so that a run pinned to a tier is that tier throughout.
public enum OpenBLASCore {
    private static let marker = "SOTTO_BLAS_CORE_CHOSEN"

    /// The OpenBLAS core type to force for `tier`, or nil to keep the detected one.
    /// - AVX-512 tiers: SkylakeX kernels, when every subset they use is present (`runsSkylakeX`);
    ///   otherwise Haswell's. OpenBLAS 0.3.21 runs CPUs newer than it knows with older kernels:
    ///   Zen 4/5 with Haswell's (SkylakeX's measured twice as fast there), an Emerald Rapids Xeon
    ///   with Prescott's SSE3 ones.
    /// - AVX2: Haswell's kernels, unless OpenBLAS already chose Haswell's or Zen's (which are
    ///   AVX2 too); an AVX-512 core would run wider instructions than the tier allows.
    /// - generic: Nehalem's SSE kernels, no AVX.
    public static func preferred(detected: String, tier: KernelTier, runsSkylakeX: Bool) -> String? {
        let avx2Cores: Set = ["haswell", "zen"]
        let avx512Cores: Set = ["skylakex", "cooperlake", "sapphirerapids"]
        let (wanted, fitting): (String, Set<String>) = switch tier {
        case .amx, .avx512: runsSkylakeX ? ("SkylakeX", avx512Cores) : ("Haswell", avx2Cores.union(avx512Cores))
        case .avx2: ("Haswell", avx2Cores)
        case .generic: ("Nehalem", ["nehalem"])
        }
        return fitting.contains(detected.lowercased()) ? nil : wanted
    }

    /// Restarts this process, once, when the OpenBLAS library loaded in it needs other settings,
    /// which it reads only when it loads (costs one exec, milliseconds):
    /// - another core type than the active tier wants (``preferred(detected:tier:runsSkylakeX:)``),
    ///   unless the user chose one with OPENBLAS_CORETYPE;
    /// - under an address-space limit (`ulimit -v`), no worker threads at load: each maps a
    ///   128 MiB work buffer as it starts, and under a limit too low for it the worker retries
    ///   forever and the process hangs before any of Sotto's checks can run. The workers are then
    ///   started by ``startDeferredWorkers()``, as many as the limit leaves room for. A thread
    ///   count the user gave OpenBLAS is kept.
    public static func reexecIfWorthwhile() {
        let env = ProcessInfo.processInfo.environment
        guard env[marker] == nil else { return }
        let better = env["OPENBLAS_CORETYPE"] != nil ? nil
            : preferred(detected: coreName, tier: .active, runsSkylakeX: sotto_cpu_runs_skylakex_kernels() != 0)
        let deferWorkers = MemoryShortage.addressSpaceLimit != nil
            && ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"].allSatisfy { env[$0] == nil }
        guard better != nil || deferWorkers else { return }
        if let better { setenv("OPENBLAS_CORETYPE", better, 1) }
        if deferWorkers {
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
            setenv(deferredMarker, "1", 1)
        }
        setenv(marker, "1", 1)
        var argv = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // exec failed: carry on with the detected kernels.
    }

    private static let deferredMarker = "SOTTO_BLAS_WORKERS_DEFERRED"

    /// Starts the OpenBLAS workers ``reexecIfWorthwhile()`` kept from starting at load, for the
    /// kernels' thread count, as far as the address-space limit leaves room for their buffers
    /// (``KernelThreads/set(_:)``).
    public static func startDeferredWorkers() {
        guard ProcessInfo.processInfo.environment[deferredMarker] != nil else { return }
        KernelThreads.set(KernelThreads.count)
    }

    /// OpenBLAS's idle workers spin for about 2^28 cycles after each call before sleeping. On a
    /// machine with few cores they take the cores from Sotto's own parallel loops (and from the
    /// audio thread) between BLAS calls; measured on two cores, Piper took 12–14 % longer at two
    /// threads with the default than with a spin of 2^4 cycles. Unless the user chose a timeout,
    /// this sets the shortest and restarts the workers, which read it only when they start.
    public static func shortenIdleSpin() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"] == nil else { return }
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
        openblas_read_env()
        blas_thread_shutdown_()
        blas_thread_init()
    }

    public static var coreName: String { String(cString: openblas_get_corename()) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
    public static var config: String { String(cString: openblas_get_config()) }
}
