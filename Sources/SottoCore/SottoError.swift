import Foundation

/// An error a person can act on: one line saying what went wrong, and optionally what to do.
/// Every failure that reaches the command line or the studio's status bar is one of these.
public struct SottoError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// "message (hint)" on one line.
    public var description: String {
        guard let hint, !hint.isEmpty else { return message }
        return "\(message) (\(hint))"
    }
}

extension SottoError {
    /// The one-line description of any error: `SottoError`s as they are, Foundation's file
    /// errors by their localized description (which names the file), others as they print.
    public static func describe(_ error: any Error) -> String {
        if let sotto = error as? SottoError { return sotto.description }
        if let cocoa = error as? CocoaError { return cocoa.localizedDescription }
        if let posix = error as? POSIXError { return posix.localizedDescription }
        return String(describing: error)
    }
}
