/// Messages for the status bar: the newest shows there (information for a few seconds, an error
/// until something newer replaces it), and the recent ones stay for the messages overlay.
public struct StatusLog: Equatable, Sendable {
    public struct Message: Equatable, Sendable {
        public var text: String
        public var isError: Bool
        /// Monotonic seconds.
        public var at: Double
    }

    public private(set) var messages: [Message] = []
    private var dismissedCount = 0
    public let capacity: Int
    public static let infoLifetime = 8.0

    public init(capacity: Int = 200) {
        self.capacity = capacity
    }

    public mutating func info(_ text: String, at time: Double) {
        append(Message(text: text, isError: false, at: time))
    }

    public mutating func error(_ text: String, at time: Double) {
        append(Message(text: text, isError: true, at: time))
    }

    /// The message the status bar shows at `time`, if any.
    public func current(at time: Double) -> Message? {
        guard let last = messages.last, messages.count > dismissedCount else { return nil }
        if last.isError { return last }
        return time - last.at < Self.infoLifetime ? last : nil
    }

    /// The last error, however old.
    public var lastError: Message? { messages.last { $0.isError } }

    /// Hides the current message (Esc acknowledges an error).
    public mutating func dismiss() {
        dismissedCount = messages.count
    }

    private mutating func append(_ message: Message) {
        messages.append(message)
        if messages.count > capacity {
            let excess = messages.count - capacity
            messages.removeFirst(excess)
            dismissedCount = max(0, dismissedCount - excess)
        }
    }
}
