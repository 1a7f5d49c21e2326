import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

@Suite struct HealthTests {
    @Test func healthReadinessAndFeedsWithoutSecrets() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let feed = try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("manual"))
                try writer.record(
                    Judgement(observable: try Observable(parsing: "bad.example"), source: "api", validTime: ValidTime(start: writer.now)),
                    in: indicator.id
                )
                let feed = Feed(
                    name: try EntityName("esa"), indicatorID: indicator.id,
                    lifetime: ValidTime(start: writer.now, end: writer.now.addingTimeInterval(86_400)), created: writer.now
                )
                try writer.create(feed)
                return feed
            }
            let app = try buildApplication(
                store: store, configuration: ServerConfiguration(port: 0), logger: Logger(label: "test"), clock: clock.function
            )
            try await app.test(.ahc(.http)) { client in
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(health.status == .ok)
                #expect(String(buffer: health.body) == #"{"status":"ok"}"#)
                let ready = try await client.execute(uri: "/health/ready", method: .get)
                #expect(ready.status == .ok)
                let feeds = try await client.execute(uri: "/health/feeds", method: .get)
                #expect(feeds.status == .ok)
                let text = String(buffer: feeds.body)
                #expect(!text.contains(feed.secret.reveal))
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                let entry = try #require((object?["feeds"] as? [[String: Any]])?.first)
                #expect(entry["name"] as? String == "esa")
                #expect(entry["id"] as? String == feed.id)
                #expect(entry["indicator"] as? String == "manual")
                #expect(entry["observables"] as? Int == 1)
                #expect(entry["live"] as? Bool == true)
                #expect(entry["expires"] as? String == Timestamps.iso8601Milli(clock.now.addingTimeInterval(86_400)))
                #expect((entry["newest_label"] as? String)?.hasSuffix("Z") == true)
            }
        }
    }
}
