/// Keys and values of past positions for one attention layer, `[capacity, kvHeads·headDim]`
/// each, filled front to back. Views from ``keys`` and ``values`` cover the filled rows and can
/// be passed straight to ``Attention/apply(query:key:value:heads:kvHeads:mask:queryOffset:scale:into:workspace:)``.
/// The storage is allocated once at `capacity`; copies of a cache share it, so keep one cache per
/// layer and sequence.
public struct KVCache: Sendable {
    public let capacity: Int
    public let width: Int
    private let keyStorage: Tensor
    private let valueStorage: Tensor
    /// Rows filled so far (the position of the next token).
    public private(set) var count = 0

    public init(capacity: Int, kvHeads: Int, headDim: Int) {
        self.capacity = capacity
        width = kvHeads * headDim
        keyStorage = Tensor(zeros: [capacity, width])
        valueStorage = Tensor(zeros: [capacity, width])
    }

    /// Filled keys `[count, width]`.
    public var keys: Tensor { keyStorage.sliced(axis: 0, 0..<count) }
    /// Filled values `[count, width]`.
    public var values: Tensor { valueStorage.sliced(axis: 0, 0..<count) }

    /// Appends `[T, width]` keys and values.
    public mutating func append(keys k: Tensor, values v: Tensor) {
        precondition(k.rank == 2 && k.shape[1] == width && v.shape == k.shape, "cache rows must be [T, \(width)]")
        precondition(count + k.shape[0] <= capacity, "KV cache full (\(capacity) positions)")
        keyStorage.sliced(axis: 0, count..<count + k.shape[0]).copy(from: k)
        valueStorage.sliced(axis: 0, count..<count + k.shape[0]).copy(from: v)
        count += k.shape[0]
    }

    /// Forgets every position (storage is kept).
    public mutating func removeAll() { count = 0 }

    /// Keeps the first `length` positions.
    public mutating func truncate(to length: Int) {
        precondition(length >= 0 && length <= count, "cannot truncate \(count) positions to \(length)")
        count = length
    }
}
