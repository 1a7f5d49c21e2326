import Foundation
import Prometheus
import Synchronization
import ThreatFeedCore
import ThreatFeedStore

/// What `GET /metrics` reports, in Prometheus text format. Each application has its own registry (no global
/// metrics system), so tests can run several servers in one process.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    private struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// The counter and histogram of each (route, method, status) once made: the registry validates the names and
    /// hashes the labels on every `make…` call, which every request paid. Same keys as the registry's, so no bound is lost.
    private let requestSeries = Mutex<[RequestSeries: (Counter, DurationHistogram)]>([:])

    public init() {}

    /// One request, by route (the matched pattern, never the raw path: ids and secrets stay out of labels).
    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let (counter, histogram) = requestSeries.withLock { series in
            if let made = series[key] { return made }
            let made = (
                registry.makeCounter(
                    name: "threatfeed_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))]
                ),
                registry.makeDurationHistogram(
                    name: "threatfeed_http_request_duration_seconds", labels: [("route", route)], buckets: Self.durationBuckets
                )
            )
            series[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    /// One TAXII Basic-auth check, by result: `verified` and `wrong` ran bcrypt; `remembered` matched the verified-password
    /// cache; `backing_off` and `busy` were refused without a check.
    func passwordCheck(_ result: String) {
        registry.makeCounter(name: "threatfeed_password_checks_total", labels: [("result", result)]).increment()
    }

    /// One poll of a feed by a gateway (or an attempt), by how it ended.
    func poll(feed: String, kind: ClientPoll.Kind, outcome: ClientPoll.Outcome) {
        registry.makeCounter(
            name: "threatfeed_polls_total", labels: [("feed", feed), ("kind", kind.rawValue), ("outcome", outcome.rawValue)]
        ).increment()
    }

    /// The text exposition, with feed sizes and the ETD poller's persisted progress read now.
    func render(store: Store, now: Date, etdPollingEnabled: Bool) async throws -> [UInt8] {
        let (sizes, etd) = try await store.read { reader in
            let sizes = try reader.feeds().map { feed in
                (feed.name.value, try reader.statistics(ofIndicator: feed.indicatorID, at: now), feed.isLive(at: now))
            }
            return (sizes, try reader.etdPollStatus())
        }
        recordETD(etd, enabled: etdPollingEnabled, now: now)
        for (name, statistics, live) in sizes {
            registry.makeGauge(name: "threatfeed_feed_observables", labels: [("feed", name)]).set(to: Double(statistics.liveObservables))
            registry.makeGauge(name: "threatfeed_feed_judgements", labels: [("feed", name)]).set(to: Double(statistics.judgements))
            registry.makeGauge(name: "threatfeed_feed_live", labels: [("feed", name)]).set(to: live ? 1 : 0)
            if let newest = statistics.newestLabel {
                registry.makeGauge(name: "threatfeed_feed_newest_label_seconds", labels: [("feed", name)])
                    .set(to: Double(newest.microseconds) / 1_000_000)
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// ETD cycle results and lag. The counts are totals kept in the database (they survive restarts), so they are
    /// gauges: a Prometheus counter would restart from zero with the process.
    private func recordETD(_ status: ETDPollStatus, enabled: Bool, now: Date) {
        registry.makeGauge(name: "threatfeed_etd_enabled").set(to: enabled ? 1 : 0)
        if let lag = status.lag(at: now) { registry.makeGauge(name: "threatfeed_etd_lag_seconds").set(to: lag) }
        if let success = status.lastSuccess {
            registry.makeGauge(name: "threatfeed_etd_last_success_timestamp_seconds").set(to: success.timeIntervalSince1970)
        }
        registry.makeGauge(name: "threatfeed_etd_consecutive_failures").set(to: Double(status.consecutiveFailures))
        registry.makeGauge(name: "threatfeed_etd_convictions_seen").set(to: Double(status.convictionsSeen))
        for (change, count) in [("created", status.judgementsCreated), ("refreshed", status.judgementsRefreshed), ("ended", status.judgementsEnded)] {
            registry.makeGauge(name: "threatfeed_etd_judgements", labels: [("change", change)]).set(to: Double(count))
        }
        for reason in HoldBackReason.allCases {
            registry.makeGauge(name: "threatfeed_etd_held_back", labels: [("reason", reason.rawValue)])
                .set(to: Double(status.heldBack[reason] ?? 0))
        }
    }
}
