/// Keys and values of every position seen so far, per layer, for one sequence. Rows are
/// `kvHeads × headDim` floats; capacity grows by doubling so decoding appends in amortised O(1).
public final class KVCache: @unchecked Sendable {
    let rowWidth: Int
    private(set) var keys: [[Float]]
    private(set) var values: [[Float]]
    /// Positions stored.
    public private(set) var length = 0
    private var capacity: Int

    init(layers: Int, rowWidth: Int, capacity: Int = 64) {
        self.rowWidth = rowWidth
        self.capacity = max(capacity, 1)
        keys = Array(repeating: [Float](repeating: 0, count: self.capacity * rowWidth), count: layers)
        values = keys
    }

    func reset() { length = 0 }

    /// Makes room for `count` more positions.
    func reserve(_ count: Int) {
        guard length + count > capacity else { return }
        while capacity < length + count { capacity *= 2 }
        for l in keys.indices {
            keys[l] += [Float](repeating: 0, count: capacity * rowWidth - keys[l].count)
            values[l] += [Float](repeating: 0, count: capacity * rowWidth - values[l].count)
        }
    }

    /// Writes key and value rows for positions `length ..< length + count` of `layer`.
    func store(layer: Int, keys newKeys: UnsafePointer<Float>, values newValues: UnsafePointer<Float>,
               count: Int, sourceStride: Int) {
        keys[layer].withUnsafeMutableBufferPointer { k in
            values[layer].withUnsafeMutableBufferPointer { v in
                for t in 0 ..< count {
                    let destination = (length + t) * rowWidth
                    (k.baseAddress! + destination).update(from: newKeys + t * sourceStride, count: rowWidth)
                    (v.baseAddress! + destination).update(from: newValues + t * sourceStride, count: rowWidth)
                }
            }
        }
    }

    /// Called once all layers have stored `count` new positions.
    func advance(_ count: Int) { length += count }

    var residentBytes: Int { 2 * keys.count * capacity * rowWidth * 4 }
}
