import ArgumentParser
import Foundation
import SottoAudio
import SottoCore

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
            let rows = [
                ["models", location.directory.path],
                ["config", paths.configDirectory.path],
                ["sessions", paths.sessionsDirectory.path],
                ["engines", modelFamilies.kinds.map(\.rawValue).joined(separator: ", ").ifEmpty("none")],
                ["cpu", cpu.modelName.ifEmpty("unknown")],
                ["cpu features", interesting.filter(cpu.has).joined(separator: " ").ifEmpty("none of the vector extensions Sotto uses")],
                ["openblas", "\(BLASCoreSelection.coreName) kernels, \(BLASCoreSelection.threads) threads"
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
