import Foundation
import Hummingbird

/// Checks the API key on every `/v1` route (probes and metrics stay open for orchestrators),
/// turns unknown routes into OpenAI-style JSON errors, and counts every response by status.
struct Gatekeeper: RouterMiddleware {
    typealias Context = ServerRequestContext
    let apiKey: String?
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = Self.route(request.uri.path)
        let response = await respond(request, context: context, next: next)
        metrics.requestEnded(route: route, status: response.status.code)
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        if let apiKey, !apiKey.isEmpty, request.uri.path.hasPrefix("/v1") {
            let given = request.headers[.authorization] ?? ""
            guard given == "Bearer \(apiKey)" else {
                var error = APIError(.unauthorized, given.isEmpty ? "missing API key: send Authorization: Bearer KEY"
                                                                   : "invalid API key", type: "invalid_request_error",
                                     code: "invalid_api_key")
                error.param = nil
                return error.response
            }
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : (error.body ?? "\(error.status)")
            return APIError(error.status, message, code: error.status == .notFound ? "not_found" : nil).response
        } catch {
            return APIError(.internalServerError, "\(error)", type: "server_error").response
        }
    }

    /// A route's name for metrics, without model names (bounded label values).
    static func route(_ path: String) -> String {
        if path.hasPrefix("/v1/models/") { return path.hasSuffix("/unload") ? "/v1/models/{id}/unload" : "/v1/models/{id}/load" }
        let known = ["/v1/audio/speech", "/v1/models", "/v1/audio/voices", "/health", "/ready", "/metrics"]
        return known.contains(path) ? path : "other"
    }
}
