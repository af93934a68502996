/// Sizes (or strides) of up to six axes, held inline so that making a view never touches the heap.
public struct Shape: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Hashable,
    CustomStringConvertible, Sendable
{
    public static let maxRank = 6

    private var values: InlineArray<6, Int>
    public private(set) var rank: Int

    public init(_ dims: some Collection<Int>) {
        precondition(dims.count <= Self.maxRank, "rank \(dims.count) exceeds \(Self.maxRank)")
        values = .init(repeating: 0)
        rank = 0
        for d in dims {
            values[rank] = d
            rank += 1
        }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// A shape of `rank` axes, every one `value`.
    public init(repeating value: Int, rank: Int) {
        precondition(rank <= Self.maxRank)
        values = .init(repeating: value)
        self.rank = rank
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rank }

    public subscript(position: Int) -> Int {
        get {
            precondition(position >= 0 && position < rank, "axis \(position) out of range for rank \(rank)")
            return values[position]
        }
        set {
            precondition(position >= 0 && position < rank, "axis \(position) out of range for rank \(rank)")
            values[position] = newValue
        }
    }

    /// Product of the sizes (1 for rank 0).
    public var elementCount: Int {
        var n = 1
        for i in 0..<rank { n *= values[i] }
        return n
    }

    /// Strides of a dense row-major tensor of this shape (last axis fastest).
    public var rowMajorStrides: Shape {
        var s = Shape(repeating: 0, rank: rank)
        var step = 1
        for i in stride(from: rank - 1, through: 0, by: -1) {
            s[i] = step
            step *= values[i]
        }
        return s
    }

    /// This shape with one axis removed.
    public func removing(axis: Int) -> Shape {
        var out = Shape([])
        for i in 0..<rank where i != axis { out.append(values[i]) }
        return out
    }

    /// This shape with `size` inserted before `axis`.
    public func inserting(_ size: Int, at axis: Int) -> Shape {
        var out = Shape([])
        for i in 0...rank {
            if i == axis { out.append(size) }
            if i < rank { out.append(values[i]) }
        }
        return out
    }

    mutating func append(_ value: Int) {
        precondition(rank < Self.maxRank, "rank exceeds \(Self.maxRank)")
        values[rank] = value
        rank += 1
    }

    public static func == (a: Shape, b: Shape) -> Bool {
        guard a.rank == b.rank else { return false }
        for i in 0..<a.rank where a.values[i] != b.values[i] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        for i in 0..<rank { hasher.combine(values[i]) }
    }

    public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
