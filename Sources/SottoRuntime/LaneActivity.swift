/// What a lane's thread is doing right now.
public enum LaneActivity: Equatable, Sendable {
    case idle
    /// Loading a model: since when (monotonic) and the process's resident bytes at the start.
    case loading(modelID: String, since: Double, residentAtStart: Int)
    /// Running the request with this `LaneRequest.id`.
    case synthesizing(requestID: Int)
}
