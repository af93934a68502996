import Foundation
import SottoCore
import SottoEngines

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
}

/// A fresh, empty folder under the system temp folder, removed by `cleanup()`.
struct TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> URL {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target
    }

    @discardableResult
    func copy(_ fixture: String, to relative: String) throws -> URL {
        try write(relative, Data(contentsOf: Fixtures.url(fixture)))
    }
}

/// Hand-built protobuf bytes: enough to make ONNX-shaped files for the structure checks.
enum Protobuf {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }
    static func field(_ number: Int, varint value: UInt64) -> [UInt8] { varint(UInt64(number << 3)) + varint(value) }
    static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
        varint(UInt64(number << 3 | 2)) + varint(UInt64(bytes.count)) + bytes
    }

    /// ModelProto{ir_version 8, graph{node{op_type "Conv"}, initializer{raw_data ...}}}.
    static func onnxModel(payloadBytes: Int = 4096) -> Data {
        let node = field(4, bytes: Array("Conv".utf8))
        let initializer = field(9, bytes: [UInt8](repeating: 0xAB, count: payloadBytes))
        let graph = field(1, bytes: node) + field(5, bytes: initializer) + field(2, bytes: Array("g".utf8))
        return Data(field(1, varint: 8) + field(7, bytes: graph))
    }
}

/// The models directory Scripts/setup fills (the test command runs it first).
enum InstalledModels {
    static var directory: URL { SottoPaths().modelsDirectory() }
    static var catalog: ModelCatalog { ModelCatalog(directory: directory, families: .standard) }
}
