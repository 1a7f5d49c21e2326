import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// `POST /lookup`, `GET /lookup` and the XDR relay on the in-memory read protocols (`MemoryObservableLookups`, `MemoryUsers`),
/// without SQLite: who may ask, and what "live" means at the edge. (`LookupTests` in threatfeedTests drives
/// the same routes over a real store and process.)
@Suite struct LookupHandlerTests {
    static let token = "admin-token-for-lookup-tests"
    static let password = "lookup-password-0123"

    struct Fixture {
        let clock = TestClock()
        let lookups = MemoryObservableLookups()
        let users = MemoryUsers()
        let indicator: Indicator
        let feed: Feed

        init() throws {
            indicator = Indicator(name: try EntityName("blocklist"), created: clock.now)
            feed = Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: clock.now)
            // Cost 4 keeps the suite fast; the production cost is checked by the CLI tests.
            let hash = try Passwords.hash(LookupHandlerTests.password, cost: 4)
            users.add(User(name: try EntityName("analyst"), passwordHash: hash, created: clock.now), permissions: [.lookup])
            users.add(User(name: try EntityName("gateway"), passwordHash: hash, created: clock.now))
        }

        /// Sets what the store would find: one judgement per (value, end), under consecutive labels.
        func holds(_ judgements: [(value: String, end: Date?)]) throws {
            var facts = LookupFacts()
            facts.feeds = [feed]
            facts.indicatorNames = [indicator.id: indicator.name.value]
            let now = clock.now
            for (index, entry) in judgements.enumerated() {
                let observable = try Observable(parsing: entry.value)
                let stored = StoredJudgement(
                    id: RandomUUID.v4(), label: TimestampLabel(microseconds: 1_767_225_600_000_000 + Int64(index)), indicatorID: indicator.id,
                    created: now, modified: now,
                    judgement: Judgement(
                        observable: observable, source: "test", reason: "test: \(entry.value)",
                        validTime: ValidTime(start: now.addingTimeInterval(-3_600), end: entry.end)
                    )
                )
                facts.judgements[observable, default: []].append(JudgementFact(stored: stored, convictions: []))
            }
            lookups.facts = facts
        }

        func withServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
            configuration.adminToken = LookupHandlerTests.token
            configuration.xdr = XDRConfiguration(key: LookupHandlerTests.xdrKey)
            let clock = self.clock.function
            let router = Router(context: AppRequestContext.self)
            addLookupRoutes(
                to: router, lookups: lookups, users: users, configuration: configuration,
                credentials: CredentialVerifier(store: users, clock: clock),
                recorder: PollRecorder(store: MemoryClientRecords(), logger: Logger(label: "test")), clock: clock
            )
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.router, body)
        }
    }

    static let xdrKey = "xdr-handler-test-key-0123456789-abcdefgh"
    static let admin: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

    static func basic(_ user: String, _ password: String = LookupHandlerTests.password) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    static func report(_ response: TestResponse) throws -> LookupReport {
        try JSONDecoder().decode(LookupReport.self, from: Data(String(buffer: response.body).utf8))
    }

    @Test func aJudgementEndingExactlyNowIsLiveAndOneEndedJustBeforeIsNot() async throws {
        let fixture = try Fixture()
        let now = fixture.clock.now
        try fixture.holds([("ends-now.example", now), ("ended.example", now.addingTimeInterval(-0.001))])
        try await fixture.withServer { client in
            let response = try await client.execute(
                uri: "/lookup", method: .post, headers: Self.admin,
                body: ByteBuffer(string: #"[{"type":"domain","value":"ends-now.example"},{"type":"domain","value":"ended.example"},{"type":"domain","value":"unknown.example"}]"#)
            )
            #expect(response.status == .ok)
            let report = try Self.report(response)
            #expect(report.known)
            #expect(report.results.map(\.value) == ["ends-now.example", "ended.example", "unknown.example"])
            #expect(report.results.map { $0.judgements.map(\.state) } == [[.live], [.ended], []])
            #expect(report.results.map(\.known) == [true, true, false])
        }
    }

    @Test func nothingKnownIsAnAnswerNotAnError() async throws {
        let fixture = try Fixture()
        try await fixture.withServer { client in
            let response = try await client.execute(uri: #"/lookup?term=domain:"nothing.example""#, method: .get, headers: Self.admin)
            #expect(response.status == .ok)
            let report = try Self.report(response)
            #expect(!report.known)
            #expect(report.results.map(\.value) == ["nothing.example"])
        }
    }

    @Test func onlyTheAdministratorAndUsersWithTheLookupPermissionMayAsk() async throws {
        let fixture = try Fixture()
        try fixture.holds([("bad.example", nil)])
        let body = #"{"text":"see hxxp://bad[.]example/x and bad.example"}"#
        try await fixture.withServer { client in
            let analyst = try await client.execute(uri: "/lookup", method: .post, headers: Self.basic("analyst"), body: ByteBuffer(string: body))
            #expect(analyst.status == .ok)
            #expect(try Self.report(analyst).results.first { $0.value == "bad.example" }?.known == true)
            let gateway = try await client.execute(uri: "/lookup", method: .post, headers: Self.basic("gateway"), body: ByteBuffer(string: body))
            #expect(gateway.status == .forbidden)
            let wrong = try await client.execute(
                uri: "/lookup", method: .post, headers: Self.basic("analyst", "not-the-password"), body: ByteBuffer(string: body)
            )
            #expect(wrong.status == .unauthorized)
            #expect(!String(buffer: wrong.body).contains("not-the-password"))
            let anonymous = try await client.execute(uri: "/lookup", method: .post, body: ByteBuffer(string: body))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aBadBodyNamesWhatIsWrong() async throws {
        let fixture = try Fixture()
        try await fixture.withServer { client in
            let response = try await client.execute(
                uri: "/lookup", method: .post, headers: Self.admin, body: ByteBuffer(string: #"[{"type":"colour","value":"red"}]"#)
            )
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("colour"))
        }
    }

    @Test func theXDRRelayGivesAVerdictOnlyForWhatIsLiveNow() async throws {
        let fixture = try Fixture()
        let now = fixture.clock.now
        try fixture.holds([("ends-now.example", now), ("ended.example", now.addingTimeInterval(-0.001))])
        let token = RelayJWT(key: Self.xdrKey).token(issuedAt: now, expires: nil)
        try await fixture.withServer { client in
            let response = try await client.execute(
                uri: "/xdr/deliberate/observables", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"[{"type":"domain","value":"ends-now.example"},{"type":"domain","value":"ended.example"}]"#)
            )
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            let verdicts = (object?["data"] as? [String: Any])?["verdicts"] as? [String: Any]
            let docs = try #require(verdicts?["docs"] as? [[String: Any]], "\(String(buffer: response.body))")
            #expect(docs.compactMap { ($0["observable"] as? [String: String])?["value"] } == ["ends-now.example"])
            let refused = try await client.execute(
                uri: "/xdr/deliberate/observables", method: .post, headers: [.authorization: "Bearer not-a-jwt"],
                body: ByteBuffer(string: #"[{"type":"domain","value":"ends-now.example"}]"#)
            )
            #expect(String(buffer: refused.body).contains("authorization error"))
            #expect(!String(buffer: refused.body).contains("ends-now.example"))
        }
    }
}
