import Foundation

/// Interns the names read from a model: each distinct byte string gets one id and one String,
/// however often it recurs. A value name appears once as an output and again for every
/// consumer, so this saves most String allocations on load, and the graph's indexes become
/// arrays indexed by id instead of dictionaries of arrays.
///
/// Swift's Dictionary would hash every name with SipHash; names here are long scope paths
/// ("/decoder/decoder/generator/resblocks.4/adain2.2/fc/Gemm_output_0_MatMul") and there is no
/// adversary choosing them, so a cheap word-at-a-time hash and open addressing are used.
struct NameTable: Sendable {
    private(set) var names: [String] = []
    private var hashes: [UInt64] = []
    /// Open-addressed slots holding id + 1 (0 = empty); the count is a power of two.
    private var slots: [Int32]

    init(expectedCount: Int = 1024) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        names.reserveCapacity(expectedCount)
        hashes.reserveCapacity(expectedCount)
    }

    var count: Int { names.count }

    /// The id of the name spelled by `bytes`, adding it if new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot] - 1)
            if hashes[id] == hash, Self.equal(names[id], bytes) { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = names.count
        names.append(String(decoding: bytes, as: UTF8.self))
        hashes.append(hash)
        slots[slot] = Int32(id + 1)
        if names.count * 2 > slots.count { grow() }
        return Int32(id)
    }

    /// The shared String for the name spelled by `bytes`.
    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let id = intern(bytes)
        return names[Int(id)]
    }

    /// The id of `name`, or nil if the model never mentions it.
    func id(of name: String) -> Int32? {
        var utf8Source = name
        return utf8Source.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let hash = Self.hash(bytes)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 {
                let id = Int(slots[slot] - 1)
                if hashes[id] == hash, names[id].utf8.count == bytes.count, names[id] == name { return Int32(id) }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var grown = [Int32](repeating: 0, count: capacity)
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(id + 1)
        }
        slots = grown
    }

    private static func equal(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
    }

    /// A multiply-xorshift hash taking eight bytes per step.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(bytes.count) &* multiplier
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ word) &* multiplier
            h ^= h >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        h = (h ^ tail) &* multiplier
        h ^= h >> 29
        return h
    }
}
