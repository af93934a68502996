import Foundation
import SottoCore
import Testing

@Suite struct PlatformTests {
    @Test func modelsDirectoryPrecedence() {
        let paths = SottoPaths(environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/data", "SOTTO_MODELS_DIR": "/m"])
        #expect(paths.modelsDirectory(override: "/flag").path == "/flag")
        #expect(paths.modelsDirectory().path == "/m")
        #expect(SottoPaths(environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/data"]).modelsDirectory().path == "/data/sotto/models")
        #expect(SottoPaths(environment: ["HOME": "/home/u"]).modelsDirectory().path == "/home/u/.local/share/sotto/models")
        // A relative XDG value is invalid per the spec and ignored.
        #expect(SottoPaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "rel"]).configDirectory.path == "/home/u/.config/sotto")
    }

    @Test func parsesCPUInfo() {
        let zen5 = CPUFeatures.parse(cpuinfo: """
        processor\t: 0
        model name\t: AMD EPYC 9R45
        flags\t\t: fpu sse2 avx2 fma f16c avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni
        """)
        #expect(zen5.modelName == "AMD EPYC 9R45")
        #expect(zen5.has("avx512_vnni"))
    }

    @Test func errorsReadAsOneLine() {
        #expect(SottoError("unknown voice 'x'", hint: "try sotto voices").description == "unknown voice 'x' (try sotto voices)")
        #expect(SottoError("plain").description == "plain")
        let fileError = (try? Data(contentsOf: URL(fileURLWithPath: "/no/such/file"))) == nil
        #expect(fileError)
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: "/no/such/file"))
        } catch {
            let text = SottoError.describe(error)
            #expect(text.contains("file"))
            #expect(!text.contains("\n"))
        }
    }

    @Test func capabilityNamesFollowAFixedOrder() {
        let caps: EngineCapabilities = [.speed, .voices, .streaming]
        #expect(caps.names == ["voices", "speed", "streaming"])
    }
}
