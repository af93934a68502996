import Foundation

/// One place in a sweep's grid and the take made for it.
public struct SweepCell: Codable, Equatable, Sendable {
    public var row: Int
    public var column: Int
    /// The take number reserved for this place when the sweep was queued.
    public var takeID: Int
    /// Why the take could not be made at all (a take that made some audio says so itself).
    public var failure: String?
    /// The listener's rating, 1 to 5 stars.
    public var stars: Int?

    public init(row: Int, column: Int, takeID: Int, failure: String? = nil, stars: Int? = nil) {
        self.row = row
        self.column = column
        self.takeID = takeID
        self.failure = failure
        self.stars = stars
    }
}

/// Where a sweep's take is.
public enum SweepCellStatus: Equatable, Sendable {
    case queued
    case making
    case done
    case failed(String)
    /// Cancelled, or left unmade when the studio closed; a take cut short keeps its audio.
    case stopped

    public var word: String {
        switch self {
        case .queued: return "queued"
        case .making: return "making"
        case .done: return "done"
        case .failed: return "failed"
        case .stopped: return "stopped"
        }
    }

    /// What the session knows of a take: its job (and whether that has started), the take
    /// saved, or the failure noted when nothing could be kept.
    public static func of(jobStarted: Bool?, take: Take?, failure: String?) -> SweepCellStatus {
        if let jobStarted { return jobStarted ? .making : .queued }
        if let take {
            switch take.outcome {
            case .complete: return .done
            case .cancelled: return .stopped
            case .failed(let reason): return .failed(reason)
            }
        }
        if let failure { return .failed(failure) }
        return .stopped
    }
}

/// A batch of takes of one text over a grid of settings, kept in the session so its grid and
/// ratings come back when the session is opened again. Each take is an ordinary take that
/// records its full settings; the sweep only knows where in the grid it sits.
public struct Sweep: Codable, Equatable, Sendable, Identifiable {
    public var id: Int
    public var createdAt: Date
    public var text: String
    /// The model of the takes, unless the sweep varies the model.
    public var modelName: String
    public var dimensions: [SweepDimension]
    /// Row by row.
    public var cells: [SweepCell]

    /// A sweep over `plan` whose takes are numbered `takeIDs`, row by row.
    public init(id: Int, createdAt: Date, text: String, modelName: String, plan: SweepPlan, takeIDs: [Int]) {
        self.id = id
        self.createdAt = createdAt
        self.text = text
        self.modelName = modelName
        dimensions = plan.dimensions
        cells = zip(0..., takeIDs).map { index, takeID in
            SweepCell(row: index / plan.columns, column: index % plan.columns, takeID: takeID)
        }
    }

    public var rows: Int { dimensions.first?.values.count ?? 0 }
    public var columns: Int { dimensions.count > 1 ? dimensions[1].values.count : 1 }

    /// "voice × speed"
    public var axesLabel: String { dimensions.map(\.axis.rawValue).joined(separator: " × ") }

    public func rowLabel(_ row: Int) -> String { dimensions.first?.values[row] ?? "" }

    public func columnLabel(_ column: Int) -> String {
        dimensions.count > 1 ? dimensions[1].values[column] : "take"
    }

    public func cell(row: Int, column: Int) -> SweepCell? {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return nil }
        return cells[row * columns + column]
    }

    public func contains(takeID: Int) -> Bool { cells.contains { $0.takeID == takeID } }

    /// Rates the take at a place: 1 to 5 stars, or nil to clear.
    public mutating func rate(row: Int, column: Int, stars: Int?) {
        guard cell(row: row, column: column) != nil else { return }
        cells[row * columns + column].stars = stars.map { min(max($0, 1), 5) }
    }

    public mutating func noteFailure(takeID: Int, _ reason: String) {
        guard let index = cells.firstIndex(where: { $0.takeID == takeID }) else { return }
        cells[index].failure = reason
    }

    /// The mean rating of a row's rated takes (nil when none is rated): which value of the
    /// first axis the listener liked, whatever the second.
    public func averageStars(row: Int) -> Double? {
        Self.mean(cells.filter { $0.row == row }.compactMap(\.stars))
    }

    public func averageStars(column: Int) -> Double? {
        Self.mean(cells.filter { $0.column == column }.compactMap(\.stars))
    }

    static func mean(_ values: [Int]) -> Double? {
        values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
    }
}
