import Foundation
import Qwen3TTS
import SottoCore
import Testing

/// The codec encoder against the official code (Scripts/fixtures/make_qwen3_encoder_goldens.py):
/// each stage's output for two voiced test signals, and the codes exactly.
///
/// Tolerances: every stage is fp32 on both sides with different summation orders (OpenBLAS
/// tiles versus PyTorch's oneDNN/MKL kernels), so each output differs by a few ulps of the
/// sums that make it, about 1e-7 relative per accumulation of ~100–500 terms, growing through
/// the stages. The SEANet stack is 14 convolutions deep with signals of RMS ≈ 0.2: 2e-5 absolute
/// is ~1e-4 of the signal, two orders above that rounding and three below a real mistake (a
/// wrong padding or tap order moves whole samples by the signal's size). The transformer and
/// the downsampling convolution work on RMS ≈ 0.6–0.7 and add LayerNorm, softmax and GELU:
/// 1e-4 absolute.
@Suite(.serialized) struct CodecEncoderTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/qwen3-encoder")
    nonisolated(unsafe) static let goldens: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("goldens.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()
    nonisolated(unsafe) static let arrays: ZipArchive = try! ZipArchive(directory.appendingPathComponent("goldens.npz"))
    static let encoder: CodecEncoder = try! CodecEncoder(folder: directory.appendingPathComponent("speech_tokenizer"))
    static var waves: [[String: Any]] { goldens["waves"] as! [[String: Any]] }

    static func array(_ name: String) throws -> NumpyArray { try arrays.numpyArray(named: name) }

    static func codes(_ name: String) throws -> [[Int]] {
        let array = try array(name)
        let columns = array.shape[1]
        return (0 ..< array.shape[0]).map { row in (0 ..< columns).map { Int(array.values[row * columns + $0]) } }
    }

    @Test(arguments: ["glide", "short"])
    func stagesMatchTheReference(_ name: String) throws {
        let wave = try Self.array("\(name)_wave").values
        let stages = try Self.encoder.encodeStages(wave)
        let seanet = try Self.array("\(name)_seanet")
        #expect(stages.convolutions.count == seanet.count)
        expectClose(stages.convolutions, seanet.values.map(Double.init), relative: 0, absolute: 2e-5, "\(name) SEANet")
        let transformer = try Self.array("\(name)_transformer")
        expectClose(stages.transformer, transformer.values.map(Double.init), relative: 0, absolute: 1e-4, "\(name) transformer")
        let latent = try Self.array("\(name)_downsample")
        #expect(latent.shape == [Self.encoder.config.hiddenSize, stages.codes.count])
        expectClose(stages.latent, latent.values.map(Double.init), relative: 0, absolute: 1e-4, "\(name) downsampled")
    }

    /// Codes must be equal. The fixture records the smallest gap between the nearest and the
    /// second-nearest codebook distance among the kept quantizers (≥ 1e-6 here, against latent
    /// errors of ~1e-6 that shift distances of ~1 by about that much); a flip would show up as a
    /// mismatch count here, which is reported whole.
    @Test(arguments: ["glide", "short"])
    func codesMatchTheReference(_ name: String) throws {
        let wave = try Self.array("\(name)_wave").values
        let codes = try Self.encoder.encode(wave)
        let expected = try Self.codes("\(name)_codes")
        let golden = Self.waves.first { $0["name"] as! String == name }!
        #expect(codes.count == golden["frames"] as! Int)
        #expect(codes.count == (wave.count + 1919) / 1920)
        let mismatches = zip(codes, expected).reduce(0) { $0 + zip($1.0, $1.1).filter { $0 != $1 }.count }
        #expect(mismatches == 0, "\(mismatches) of \(expected.count * 16) codes differ from the reference")
        #expect(codes == expected)
        // The kept codes are the first 16 of the reference's 32 quantizers.
        let all = try Self.codes("\(name)_codes32")
        #expect(codes == (0 ..< codes.count).map { f in (0 ..< 16).map { all[$0][f] } })
    }

    /// The fixture is only a test if its codes vary: a codebook left at Mimi's zero
    /// initialisation quantises every frame to code 0.
    @Test func fixtureCodesVary() throws {
        for wave in Self.waves {
            let distinct = wave["distinct_codes_per_quantizer"] as! [Int]
            #expect(distinct.prefix(16).allSatisfy { $0 > 1 }, "\(wave["name"]!): \(distinct)")
        }
    }

    @Test func badInputGivesClearErrors() throws {
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch { return (error as? SottoError)?.message }
        }
        #expect(message { try Self.encoder.encode([]) }?.contains("empty") == true)
        #expect(message { try Self.encoder.encode([0, .nan, 0]) }?.contains("non-finite") == true)
        let tooLong = [Float](repeating: 0, count: (CodecEncoder.maximumSeconds + 1) * 24000)
        #expect(message { try Self.encoder.encode(tooLong) }?.contains("at most") == true)
        // Shorter than one frame still gives one frame.
        #expect(try Self.encoder.encode([Float](repeating: 0.1, count: 100)).count == 1)
    }

    @Test func aCodecWithoutEncoderWeightsIsNamed() throws {
        let decoderOnly = Qwen3Fixtures.directory.appendingPathComponent("speech_tokenizer")
        // The decoder fixture's codec has encoder weights; a folder whose weights lack them is refused.
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("sotto-codec-no-encoder-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        try fm.copyItem(at: decoderOnly.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        try Self.writeSafetensors(["decoder.pre_conv.conv.bias": [0, 0]], to: folder.appendingPathComponent("model.safetensors"))
        #expect { try CodecEncoder(folder: folder) } throws: { error in
            (error as? SottoError)?.message.contains("no codec encoder weights") == true
        }
    }

    /// A minimal F32 safetensors file.
    static func writeSafetensors(_ tensors: [String: [Float]], to url: URL) throws {
        var header: [String: Any] = [:]
        var offset = 0
        var payload = Data()
        for (name, values) in tensors.sorted(by: { $0.key < $1.key }) {
            header[name] = ["dtype": "F32", "shape": [values.count], "data_offsets": [offset, offset + 4 * values.count]]
            offset += 4 * values.count
            values.withUnsafeBufferPointer { payload.append(Data(buffer: $0)) }
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(payload)
        try data.write(to: url)
    }
}
