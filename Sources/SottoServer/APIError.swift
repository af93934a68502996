import Foundation
import Hummingbird

/// An error as OpenAI's API reports it: an HTTP status and
/// `{"error": {"message", "type", "param", "code"}}`, always sent before any audio byte.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?
    /// Seconds a client should wait before trying again (503 only).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error",
                param: String? = nil, code: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    static func invalid(_ message: String, param: String?, code: String = "invalid_value") -> APIError {
        APIError(.badRequest, message, param: param, code: code)
    }

    static func unavailable(_ message: String, retryAfter: Int, code: String) -> APIError {
        APIError(.serviceUnavailable, message, type: "server_error", code: code, retryAfter: retryAfter)
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    var body: [UInt8] {
        let error: [String: Any] = [
            "message": message, "type": type,
            "param": param.map { $0 as Any } ?? NSNull(), "code": code.map { $0 as Any } ?? NSNull(),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])) ?? Data()
        return Array(data) + [0x0A]
    }
}
