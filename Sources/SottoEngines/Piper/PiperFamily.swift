import Foundation
import Piper
import SottoCore
import SottoKernels

extension ModelKind {
    public static let piper: ModelKind = "piper"
}

/// Piper voices: `NAME.onnx` with its config `NAME.onnx.json` (see `PiperLayout`).
public struct PiperFamily: ModelFamily {
    public init() {}
    public var kind: ModelKind { .piper }
    public var displayName: String { "Piper (VITS)" }
    public var shortName: String { "Piper" }

    /// Every `NAME.onnx.json` with its `NAME.onnx` (described even when the weights are missing).
    public func describe(files listing: inout FolderListing) -> [ModelDescriptor] {
        let configs = listing.unclaimed.filter { $0.hasSuffix(".onnx.json") }
        return configs.map { config in
            let name = String(config.dropLast(".onnx.json".count))
            listing.claim(config)
            listing.claim(name + ".onnx")
            return PiperLayout.describe(name: name, folder: listing.folder)
        }
    }

    /// An `.onnx` no family recognised is most likely a Piper voice whose `.onnx.json` went missing.
    public func describe(unclaimed listing: inout FolderListing) -> [ModelDescriptor] {
        let lone = listing.unclaimed.filter { $0.hasSuffix(".onnx") }
        return lone.map { file in
            listing.claim(file)
            return PiperLayout.describe(name: String(file.dropLast(".onnx".count)), folder: listing.folder)
        }
    }

    public func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        if let threads = options.threads { KernelThreads.set(threads) }
        guard let configURL = model.file(role: "config")?.url else {
            throw SottoError("the Piper voice \(model.name) has no config file", hint: "put NAME.onnx.json next to NAME.onnx")
        }
        let piper = try PiperModel(onnx: model.url, config: try PiperConfig(contentsOf: configURL))
        return try PiperEngine(model: model, piper: piper)
    }
}
