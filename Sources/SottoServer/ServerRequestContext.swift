import Hummingbird
import NIOCore

/// Hummingbird's request context plus the connection, so that a request whose client went away
/// is cancelled even while it waits in a queue and nothing is being written.
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Speech requests are small JSON objects.
    var maxUploadSize: Int { 1 << 20 }
}
