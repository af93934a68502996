// swift-tools-version:6.0
import PackageDescription

// Swift's default x86-64 target is the SSE2 baseline: SIMD multiply-adds and Float16 conversions
// become per-element library calls (measured 40x slower). Haswell (AVX2, FMA, F16C) is the
// shipping baseline; wider instructions (AVX-512, VNNI, BF16) are used only by C kernels that
// check the CPU at run time.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
let cCPUFlags = ["-mavx2", "-mfma", "-mf16c"]
#else
let cpuFlags: [String] = []
let cCPUFlags: [String] = []
#endif

/// Settings for every Swift target: release builds may use the baseline CPU's vector units.
let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(cpuFlags, .when(configuration: .release)),
]

/// Settings for numeric code, where exclusivity checks in hot loops cost measurable time.
let numericSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(cpuFlags + ["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Sotto",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sotto", targets: ["sotto"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, installed by Scripts/setup).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CAlsa", path: "Sources/CAlsa",
                       pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSndfile", path: "Sources/CSndfile",
                       pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CEspeakNG", path: "Sources/CEspeakNG",
                       pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CEbur128", path: "Sources/CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSoxr", path: "Sources/CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        // C for what Swift cannot import: ncurses macros, the ALSA error callback, wcwidth.
        .target(name: "CShim", dependencies: ["CNcursesw", "CAlsa"],
                linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("asound")]),

        // Shared parts.
        .target(name: "SottoMetrics", swiftSettings: swiftSettings),
        .target(name: "SottoCore", dependencies: ["SottoMetrics", "CZlib"], swiftSettings: swiftSettings),
        .target(name: "SottoAudio", dependencies: ["CAlsa", "CSndfile", "CShim", "CSoxr", "CEbur128"],
                swiftSettings: numericSwiftSettings),
        .target(name: "SottoPhonemes", dependencies: ["CEspeakNG"], swiftSettings: swiftSettings),

        // The kernel library beneath every engine: tensors, BLAS, convolutions, recurrences,
        // norms, attention, activations, STFT. C only where Swift cannot emit the instructions.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"] + cCPUFlags)]),
        .target(name: "SottoKernels", dependencies: ["COpenBLAS", "CKernels"],
                swiftSettings: numericSwiftSettings),
        // Measures the kernels on this machine (not a test: speed is measured, never asserted).
        .executableTarget(name: "kernel-bench", dependencies: ["SottoKernels", "CKernels", "COpenBLAS"],
                          swiftSettings: numericSwiftSettings),
        // Reads ONNX files (weights and graph structure) without onnxruntime.
        .target(name: "SottoONNX", dependencies: ["SottoCore", "SottoKernels"], swiftSettings: numericSwiftSettings),

        // Engines, one architecture per folder; language-blind (ids in, audio out).
        .target(name: "Qwen3TTS", dependencies: ["SottoKernels", "SottoCore", "SottoAudio"],
                swiftSettings: numericSwiftSettings),
        .target(name: "Kokoro", dependencies: ["SottoKernels", "SottoONNX", "SottoCore"],
                swiftSettings: numericSwiftSettings),
        .target(name: "Piper", dependencies: ["SottoKernels", "SottoONNX", "SottoCore"],
                swiftSettings: numericSwiftSettings),
        // One folder per model family: how its files look on disk, the text front end (sentences,
        // espeak-ng phonemes, ids, chunking) that turns the language-blind model into a speech
        // engine, and the engine adapter. StandardFamilies.swift registers them.
        .target(name: "SottoEngines",
                dependencies: ["Kokoro", "Piper", "Qwen3TTS", "SottoPhonemes", "SottoCore", "SottoMetrics", "SottoKernels", "SottoAudio"],
                swiftSettings: swiftSettings),
        // Times Qwen3-TTS continuous batching on a model folder (speed is measured, never asserted).
        .executableTarget(name: "qwen3-batch-bench",
                          dependencies: ["Qwen3TTS", "SottoEngines", "SottoCore", "SottoKernels", "SottoMetrics"],
                          swiftSettings: swiftSettings),

        // Between the engines and the front ends: model lanes (one serialised worker per loaded
        // model, bounded queue, cancellation, chunk streams), synthesis options and the default
        // model. Knows no architecture and no screen.
        .target(name: "SottoRuntime", dependencies: ["SottoCore", "SottoAudio", "SottoMetrics"],
                swiftSettings: swiftSettings),

        // The OpenAI-compatible speech server (`sotto serve`): HTTP routes, validation, audio
        // encoders and Prometheus metrics over the runtime's model lanes.
        .target(name: "SottoServer",
                dependencies: ["SottoCore", "SottoAudio", "SottoMetrics", "SottoRuntime", "SottoKernels",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdCore", package: "hummingbird"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "HTTPTypes", package: "swift-http-types")],
                swiftSettings: swiftSettings),

        // The studio: the ncurses front end (`sotto` with no arguments).
        .target(name: "SottoStudio",
                dependencies: ["CNcursesw", "CShim", "SottoCore", "SottoAudio", "SottoMetrics", "SottoRuntime", "SottoKernels"],
                swiftSettings: swiftSettings),

        // The command-line tool and, with no arguments, the studio.
        .executableTarget(
            name: "sotto",
            dependencies: [
                "SottoCore", "SottoMetrics", "SottoAudio", "SottoPhonemes", "SottoStudio", "SottoKernels",
                "SottoEngines", "SottoRuntime", "SottoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings),

        // What several test targets share (numeric closeness); test code, never shipped.
        .target(name: "SottoTestSupport", path: "Tests/SottoTestSupport"),
        .testTarget(name: "SottoMetricsTests", dependencies: ["SottoMetrics"]),
        // The catalog's tests run over the standard families.
        .testTarget(name: "SottoCoreTests", dependencies: ["SottoCore", "SottoEngines"], exclude: ["Fixtures"]),
        .testTarget(name: "SottoAudioTests", dependencies: ["SottoAudio", "CAlsa"]),
        .testTarget(name: "SottoPhonemesTests", dependencies: ["SottoPhonemes"]),
        .testTarget(name: "SottoKernelsTests", dependencies: ["SottoKernels", "SottoTestSupport"]),
        .testTarget(name: "SottoONNXTests", dependencies: ["SottoONNX", "SottoCore", "SottoTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "Qwen3TTSTests", dependencies: ["Qwen3TTS", "SottoEngines", "SottoKernels", "SottoCore", "SottoTestSupport", "SottoAudio"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "KokoroTests", dependencies: ["Kokoro", "SottoKernels", "SottoONNX", "SottoCore"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "PiperTests", dependencies: ["Piper", "SottoKernels", "SottoONNX", "SottoCore", "SottoTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SottoEnginesTests",
                    dependencies: ["SottoEngines", "Kokoro", "Piper", "SottoPhonemes", "SottoCore", "SottoONNX", "Qwen3TTS",
                                   "SottoKernels"]),
        .testTarget(name: "SottoStudioTests",
                    dependencies: ["SottoStudio", "SottoRuntime", "SottoEngines", "SottoCore", "sotto"]),
        // The server, driven by the official openai Python package (Scripts/test installs it).
        .testTarget(name: "ServerTests", dependencies: ["SottoCore", "SottoAudio", "sotto"], exclude: ["openai_client.py"]),
        // Model lanes: queueing, cancellation and batching, on toy engines.
        .testTarget(name: "SottoRuntimeTests", dependencies: ["SottoRuntime", "SottoCore"]),
        // Runs the built sotto binary end to end.
        .testTarget(name: "CLITests", dependencies: ["SottoCore", "SottoAudio", "SottoKernels", "sotto"]),
    ],
    swiftLanguageModes: [.v6]
)
