import SottoCore

/// One synthesis asked of a lane.
public struct LaneRequest: Sendable {
    /// The caller's label for it (the studio's take number); reported in the lane's activity.
    public var id: Int
    public var text: String
    public var options: SynthesisOptions
    /// Send only the options the loaded model uses (the studio), instead of all of them with the
    /// engine noting what it ignores (the command line).
    public var fitsOptionsToModel: Bool
    /// Set it to stop the request, queued or running; the lane's stream sets it when its reader
    /// goes away.
    public let cancellation: CancellationFlag

    public init(id: Int = 0, text: String, options: SynthesisOptions = SynthesisOptions(), fitsOptionsToModel: Bool = false,
                cancellation: CancellationFlag = CancellationFlag()) {
        self.id = id
        self.text = text
        self.options = options
        self.fitsOptionsToModel = fitsOptionsToModel
        self.cancellation = cancellation
    }
}
