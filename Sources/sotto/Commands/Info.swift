import ArgumentParser
import Foundation
import SottoAudio
import SottoCore
import SottoKernels

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where sotto keeps things and what it found on this machine.")

    @OptionGroup var location: ModelDirectoryOptions

    @Option(help: "ALSA playback device to check.")
    var device: String = "default"

    func run() throws {
        try runReportingErrors {
            let paths = SottoPaths()
            let cpu = CPUFeatures.current
            let interesting = ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16"]
            let audio: String
            do {
                let player = try Player(source: PlaybackBuffer(sampleRate: 24000), device: .named(device))
                player.stop()
                audio = "\"\(device)\" opens"
            } catch {
                audio = "\(error)"
            }
            let tier = KernelTier.active == KernelTier.cpu ? "\(KernelTier.active)"
                : "\(KernelTier.active) (SOTTO_ISA; this CPU runs \(KernelTier.cpu))"
            let threads = OpenBLASCore.threads
            let blas = "\(OpenBLASCore.coreName) kernels, \(threads) thread\(threads == 1 ? "" : "s")"
            let rows: [[String]] = [
                ["models", location.directory.path],
                ["config", paths.configDirectory.path],
                ["sessions", paths.sessionsDirectory.path],
                ["engines", modelFamilies.kinds.map(\.rawValue).joined(separator: ", ").ifEmpty("none")],
                ["cpu", cpu.modelName.ifEmpty("unknown")],
                ["cpu features", interesting.filter(cpu.has).joined(separator: " ").ifEmpty("none of the vector extensions Sotto uses")],
                ["kernel tier", tier],
                ["openblas", blas
                    + (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")],
                ["audio", audio],
            ]
            print(Format.table(rows))
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
