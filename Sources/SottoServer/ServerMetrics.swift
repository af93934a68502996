import Foundation
import Prometheus
import SottoMetrics
import SottoRuntime

/// What `/metrics` reports, in Prometheus' text format: requests by route and status, queue
/// depth and lane mode per model, time to first byte and real-time factor per model, and the
/// process's resident memory — what an orchestrator needs to probe replicas and to scale them
/// on queue depth.
final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private static let firstByteBuckets: [Duration] = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30]
        .map { .milliseconds(Int64($0 * 1000)) }
    private static let realTimeBuckets: [Double] = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5]

    func requestEnded(route: String, status: Int) {
        registry.makeCounter(name: "sotto_http_requests_total", labels: [("route", route), ("status", String(status))],
                             help: "HTTP requests by route and status").increment()
    }

    func firstByte(model: String, seconds: Double) {
        registry.makeDurationHistogram(name: "sotto_time_to_first_byte_seconds", labels: [("model", model)],
                                       buckets: Self.firstByteBuckets,
                                       help: "From the request's arrival to its first audio byte")
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Compute seconds per audio second (below 1 is faster than real time).
    func realTimeFactor(model: String, value: Double) {
        registry.makeValueHistogram(name: "sotto_real_time_factor", labels: [("model", model)], buckets: Self.realTimeBuckets,
                                    help: "Synthesis seconds per second of audio").record(value)
    }

    func synthesisEnded(model: String, outcome: SynthesisEnd.Outcome) {
        let name = switch outcome {
        case .completed: "completed"
        case .cancelled: "cancelled"
        case .failed: "failed"
        }
        registry.makeCounter(name: "sotto_synthesis_total", labels: [("model", model), ("outcome", name)],
                             help: "Syntheses by how they ended (cancelled: the client left or the server stopped)").increment()
    }

    func audioSeconds(model: String, seconds: Double) {
        registry.makeCounter(name: "sotto_audio_seconds_total", labels: [("model", model)],
                             help: "Seconds of audio sent").increment(by: seconds)
    }

    /// The text of `/metrics`, with the gauges read now.
    func render(lanes: [(model: String, waiting: Int, busy: Bool, batching: Bool, loaded: Bool)]) -> String {
        for lane in lanes {
            let labels = [("model", lane.model)]
            registry.makeGauge(name: "sotto_queue_depth", labels: labels,
                               help: "Requests waiting for the model's lane (not counting the one running)")
                .set(to: Double(lane.waiting))
            registry.makeGauge(name: "sotto_lane_busy", labels: labels, help: "1 while the model's lane is synthesizing or loading")
                .set(to: lane.busy ? 1 : 0)
            registry.makeGauge(name: "sotto_model_loaded", labels: labels, help: "1 when the model is loaded and warm")
                .set(to: lane.loaded ? 1 : 0)
            registry.makeGauge(name: "sotto_lane_batching", labels: labels,
                               help: "1 when concurrent requests decode together; 0 when they queue one after another")
                .set(to: lane.batching ? 1 : 0)
        }
        if let memory = ProcessMemory.read() {
            registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory of the server process")
                .set(to: Double(memory.residentBytes))
        }
        return registry.emitToString()
    }
}
