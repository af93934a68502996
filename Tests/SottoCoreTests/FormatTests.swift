import Foundation
import SottoCore
import Testing

@Suite struct ZipAndNumpyTests {
    @Test(arguments: ["voices-stored.npz", "voices-deflated.npz"])
    func readsVoicePacksWrittenByNumpy(_ name: String) throws {
        let archive = try ZipArchive(Fixtures.url(name))
        #expect(archive.numpyArrayNames().sorted() == ["af_test", "jm_test"])
        let ramp = try archive.numpyArray(named: "jm_test")
        #expect(ramp.shape == [4, 1, 8])
        #expect(ramp.values == (0 ..< 32).map { Float($0) / 8 })
        let random = try archive.numpyArray(named: "af_test")
        #expect(random.shape == [4, 1, 8])
        #expect(Set(random.values).count == 32)
    }

    @Test func convertsOtherDtypesToFloat() throws {
        let archive = try ZipArchive(Fixtures.url("dtypes.npz"))
        #expect(try archive.numpyArray(named: "half").values == [0.5, -2, 65504])
        let double = try archive.numpyArray(named: "double")
        #expect(double.shape == [1, 2])
        #expect(double.values == [1.25, -3.5])
        #expect(try archive.numpyArray(named: "long").values == [7, -9])
    }

    @Test func truncatedArchiveIsReportedNotCrashed() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let whole = try Data(contentsOf: Fixtures.url("voices-stored.npz"))
        for keep in [0, 10, whole.count / 2, whole.count - 1] {
            let url = try folder.write("cut-\(keep).npz", whole.prefix(keep))
            #expect(throws: SottoError.self) { _ = try ZipArchive(url) }
        }
    }

    @Test func flippedByteFailsTheChecksum() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var bytes = [UInt8](try Data(contentsOf: Fixtures.url("voices-stored.npz")))
        let archive = try ZipArchive(Fixtures.url("voices-stored.npz"))
        let entry = try #require(archive.entry(named: "jm_test.npy"))
        // The entry's name first appears in its local header, 30 bytes after the header starts;
        // its data follows the name and the header's extra field.
        let marker = [UInt8]("jm_test.npy".utf8)
        let nameStart = try #require((0 ..< bytes.count - marker.count).first { Array(bytes[$0 ..< $0 + marker.count]) == marker })
        let extraLength = Int(bytes[nameStart - 2]) | Int(bytes[nameStart - 1]) << 8
        let dataStart = nameStart + marker.count + extraLength
        bytes[dataStart + entry.compressedSize - 1] ^= 0xFF
        let url = try folder.write("flipped.npz", Data(bytes))
        let damaged = try ZipArchive(url)
        #expect(throws: SottoError.self) { _ = try damaged.contents(of: damaged.entry(named: entry.name)!) }
    }

    @Test func rejectsNonNumpyData() {
        #expect(throws: SottoError.self) { _ = try NumpyArray(npy: Data("hello".utf8)) }
        var header = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let text = "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"
        header.append(contentsOf: [UInt8(text.utf8.count), 0])
        header.append(Data(text.utf8))
        header.append(Data(count: 8))
        #expect(throws: SottoError.self) { _ = try NumpyArray(npy: header) }
    }
}

@Suite struct ProtobufStructureTests {
    @Test func completeModelPasses() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = try folder.write("m.onnx", Protobuf.onnxModel())
        #expect(ProtobufStructure.checkONNX(url) == .ok)
    }

    @Test func everyTruncationIsCaught() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let whole = Protobuf.onnxModel(payloadBytes: 300)
        for keep in stride(from: 1, to: whole.count, by: 7) {
            let url = try folder.write("cut.onnx", whole.prefix(keep))
            #expect(ProtobufStructure.checkONNX(url) != .ok, "kept \(keep) of \(whole.count) bytes")
        }
    }

    @Test func textAndEmptyFilesAreNotModels() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        #expect(ProtobufStructure.checkONNX(try folder.write("e.onnx", Data())) != .ok)
        #expect(ProtobufStructure.checkONNX(try folder.write("t.onnx", Data("<html>not found</html>".utf8))) != .ok)
        // A valid protobuf that has no graph field.
        #expect(ProtobufStructure.checkONNX(try folder.write("n.onnx", Data(Protobuf.field(1, varint: 8)))) != .ok)
    }
}

@Suite struct SafetensorsTests {
    static func file(tensors: [(String, String, [Int])], extraData: Int = 0) -> Data {
        var offset = 0
        var entries: [String] = []
        for (name, dtype, shape) in tensors {
            let bytes = shape.reduce(1, *) * SafetensorsHeader.width(of: dtype)!
            entries.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        let header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
        var data = Data()
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(header)
        data.append(Data(count: offset + extraData))
        return data
    }

    @Test func parsesNamesShapesAndRanges() throws {
        let data = Self.file(tensors: [("a.weight", "BF16", [4, 3]), ("b", "F32", [5])])
        let header = try data.withUnsafeBytes { try SafetensorsHeader($0, path: "x") }
        #expect(header.tensors["a.weight"]?.shape == [4, 3])
        #expect(header.tensors["a.weight"]?.range == 0 ..< 24)
        #expect(header.tensors["b"]?.range == 24 ..< 44)
        #expect(header.dataOffset == data.count - 44)
    }

    @Test func truncatedDataIsCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let data = Self.file(tensors: [("w", "F32", [100])])
        let whole = try folder.write("ok.safetensors", data)
        #expect(SafetensorsHeader.check(whole) == .ok)
        let cut = try folder.write("cut.safetensors", data.prefix(data.count - 1))
        guard case .corrupt(let why) = SafetensorsHeader.check(cut) else {
            Issue.record("truncated file passed")
            return
        }
        #expect(why.contains("truncated"))
        #expect(SafetensorsHeader.check(try folder.write("junk.safetensors", Data([1, 2, 3]))) != .ok)
    }
}

@Suite struct SHA256Tests {
    @Test func matchesPublishedVectors() {
        func digest(_ s: String) -> String {
            var h = SHA256()
            h.update(Data(s.utf8))
            return h.finalize()
        }
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func splitUpdatesEqualOneUpdate() {
        let bytes = Data((0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 * 31) })
        var whole = SHA256()
        whole.update(bytes)
        var pieces = SHA256()
        for cut in stride(from: 0, to: 1000, by: 97) { pieces.update(bytes[cut ..< min(cut + 97, 1000)]) }
        #expect(whole.finalize() == pieces.finalize())
    }
}

@Suite struct MappedFileTests {
    /// Released pages read back as the file's bytes (an anonymous copy would read back zeros).
    @Test func releasedPagesReadBackFromTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let bytes = (0 ..< 3 * 65536 + 123).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let url = folder.url.appendingPathComponent("weights.bin")
        try Data(bytes).write(to: url)
        let file = try MappedFile(url)
        #expect(file.count == bytes.count)
        #expect(file.withBytes { Array($0) } == bytes)
        file.releasePages(100 ..< 3 * 65536)
        file.releasePages(0 ..< file.count)
        #expect(file.withBytes { Array($0) } == bytes)
    }

    @Test func emptyFilesFoldersAndMissingFilesAreClear() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let empty = folder.url.appendingPathComponent("empty.bin")
        try Data().write(to: empty)
        #expect(try MappedFile(empty).count == 0)
        #expect(throws: SottoError.self) { try MappedFile(folder.url) }
        do {
            _ = try MappedFile(folder.url.appendingPathComponent("absent.onnx"))
            Issue.record("a missing file was opened")
        } catch {
            #expect("\(error)".contains("absent.onnx") && "\(error)".contains("No such file"))
        }
    }
}
