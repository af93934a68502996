/// A request was refused because its lane already holds as many waiting requests as it takes.
public struct LaneQueueFull: Error, CustomStringConvertible, Sendable {
    public var modelID: String
    public var limit: Int
    public var description: String {
        "\(modelID) is busy: \(limit) request\(limit == 1 ? "" : "s") already waiting; try again shortly"
    }
}
