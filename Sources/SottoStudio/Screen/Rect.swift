/// A rectangle of terminal cells.
public struct Rect: Equatable, Sendable, CustomStringConvertible {
    public var row: Int
    public var column: Int
    public var width: Int
    public var height: Int

    public init(row: Int, column: Int, width: Int, height: Int) {
        self.row = row
        self.column = column
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Rect(row: 0, column: 0, width: 0, height: 0)

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var bottom: Int { row + height }
    public var right: Int { column + width }

    /// The inside of a one-cell border.
    public var inset: Rect { Rect(row: row + 1, column: column + 1, width: width - 2, height: height - 2) }

    public func contains(_ other: Rect) -> Bool {
        other.row >= row && other.column >= column && other.bottom <= bottom && other.right <= right
    }

    public func intersects(_ other: Rect) -> Bool {
        !isEmpty && !other.isEmpty && row < other.bottom && other.row < bottom && column < other.right && other.column < right
    }

    public var description: String { "\(width)×\(height)@\(row),\(column)" }
}
