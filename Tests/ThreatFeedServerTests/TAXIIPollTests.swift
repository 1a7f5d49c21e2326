import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedFormats
@testable import ThreatFeedServer

/// TAXII 1.1 driven by real clients: cabby's Python API and raw exchanges checked against libtaxii's schema
/// and parsed with python-stix (Tests/Clients/).
@Suite(.serialized) struct TAXIIPollTests {
    static func iso(_ date: Date) -> String { TAXIITimestamp.string(from: TimestampLabel(date)) }

    /// Indicators spread over 7 days, polled as the gateway does in 24-hour segments, then incrementally.
    @Test func gatewayLikeSegmentedPollsReturnEveryBlockOnceInLabelOrder() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let start = server.clock.now
        var expectedByDay: [[String]] = Array(repeating: [], count: 7)
        for day in 0..<7 {
            for (slot, hour) in [1, 7, 13, 19].enumerated() {
                server.clock.set(start.addingTimeInterval(Double(day * 86_400 + hour * 3_600)))
                let value = [
                    "day\(day)-a.example", "https://day\(day).example/login\(slot)", "198.51.100.\(day * 4 + slot)",
                    String(repeating: String(day * 4 + slot, radix: 16), count: 64).prefix(64).description,
                ][slot]
                let observable = try server.record([value])[0]
                expectedByDay[day].append("\(observable.type.rawValue):\(observable.value)")
            }
            if day == 4 {
                // Re-seen on day 4: its label moves, so it belongs to day 4's segment now.
                server.clock.set(start.addingTimeInterval(Double(4 * 86_400 + 22 * 3_600)))
                try server.record(["day0-a.example"])
                expectedByDay[0].removeFirst()
                expectedByDay[4].append("domain:day0-a.example")
            }
        }
        server.clock.set(start.addingTimeInterval(7 * 86_400 + 3_600))
        let expected = expectedByDay
        let windows = (0..<7).map { day in
            "\(Self.iso(start.addingTimeInterval(Double(day) * 86_400))),\(Self.iso(start.addingTimeInterval(Double(day + 1) * 86_400)))"
        }
        try await server.run {
            let polled = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password]
                    + windows.flatMap { ["--window", $0] }
            )
            #expect(polled["error"] == nil, "\(polled["error"] ?? "")")
            let results = try #require(polled["windows"] as? [[String: Any]])
            #expect(results.count == 7)
            var seen: [String] = []
            for (day, window) in results.enumerated() {
                let blocks = try #require(window["blocks"] as? [[String: Any]])
                let values = blocks.flatMap { ($0["observables"] as? [[String: String]] ?? []).map { "\($0["type"]!):\($0["value"]!)" } }
                #expect(values == expected[day], "day \(day)")
                let labels = blocks.compactMap { ($0["label"] as? String).flatMap(Timestamps.parse) }
                #expect(labels.count == blocks.count)
                #expect(zip(labels, labels.dropFirst()).allSatisfy { $0 < $1 }, "ascending labels on day \(day)")
                let low = start.addingTimeInterval(Double(day) * 86_400), high = low.addingTimeInterval(86_400)
                #expect(labels.allSatisfy { $0 > low && $0 <= high })
                #expect(blocks.allSatisfy { $0["binding"] as? String == "urn:stix.mitre.org:xml:1.2" })
                seen += values
            }
            #expect(seen.count == 28 && Set(seen).count == 28, "every block exactly once")

            // Incremental: from the last segment's end to now. Nothing new, then exactly what arrives.
            let lastEnd = Self.iso(start.addingTimeInterval(7 * 86_400))
            let empty = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password,
                 "--window", "\(lastEnd),"])
            #expect(((empty["windows"] as? [[String: Any]])?.first?["blocks"] as? [Any])?.count == 0)
            server.clock.advance(by: 600)
            try server.record(["late-arrival.example", "203.0.113.200"])
            let raw = try await server.exchange(
                "/taxii/poll", body: TAXIITestServer.pollRequest(begin: lastEnd), user: "gateway")
            #expect(raw["schema_valid"] as? Bool == true, "\(raw["schema_errors"] ?? "")")
            let blocks = try #require(raw["blocks"] as? [[String: Any]])
            #expect(blocks.flatMap { ($0["observables"] as? [[String: String]] ?? []).map { $0["value"]! } }
                == ["late-arrival.example", "203.0.113.200"])
            #expect(raw["record_count"] as? Int == 2)
            // The answer's end is the newest label: the next incremental poll starts there and misses nothing.
            let end = try #require(raw["inclusive_end"] as? String)
            #expect(end == (blocks.last?["label"] as? String))
        }
    }

    /// Every observable type comes back as the STIX object the gateway expects, in the STIX version asked for.
    @Test func contentBlocksParseWithPythonSTIXAndValidate() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        let imported = try server.record([
            "https://phish.example/login?x=1", "phish.example", "192.0.2.10", "2001:db8::10",
            String(repeating: "ab", count: 32), String(repeating: "cd", count: 20), String(repeating: "ef", count: 16),
        ])
        let expected = imported.map { "\($0.type.rawValue):\($0.value)" }
        let packages = server.directory.file("packages")
        try await server.run {
            for binding in ["urn:stix.mitre.org:xml:1.2", "urn:stix.mitre.org:xml:1.1.1"] {
                let answer = try await server.exchange(
                    "/taxii/poll", body: TAXIITestServer.pollRequest(bindings: ["urn:example:other", binding]), user: "gateway",
                    extra: ["--save-packages", packages + "-" + binding.split(separator: ":").last!])
                #expect(answer["schema_valid"] as? Bool == true, "\(answer["schema_errors"] ?? "")")
                #expect(answer["headers"].flatMap { ($0 as? [String: String])?["x-taxii-content-type"] } == "urn:taxii.mitre.org:message:xml:1.1")
                let blocks = try #require(answer["blocks"] as? [[String: Any]])
                #expect(blocks.allSatisfy { $0["stix_ok"] as? Bool == true }, "\(blocks.compactMap { $0["stix_error"] })")
                #expect(blocks.allSatisfy { $0["binding"] as? String == binding })
                #expect(blocks.allSatisfy { $0["stix_version"] as? String == String(binding.split(separator: ":").last!) })
                let values = blocks.flatMap { ($0["observables"] as? [[String: String]] ?? []).map { "\($0["type"]!):\($0["value"]!)" } }
                #expect(values == expected)
                let types = Set(blocks.flatMap { $0["indicator_types"] as? [String] ?? [] })
                #expect(types == ["URL Watchlist", "Domain Watchlist", "IP Watchlist", "File Hash Watchlist"])
            }
            // The STIX XML schemas (stix-validator's bundled copies) accept every package, in both versions.
            for version in ["1.2", "1.1.1"] {
                let result = try await onThread {
                    try CommandRunner.run(
                        program: PythonClients.tool("stix-validator"),
                        ["--stix-version", version, "--quiet", "--json-results", packages + "-" + version])
                }
                // {"FILE": {"schema validation": {"result": true, …}}, …}
                let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: [String: Any]]]
                let files = try #require(object, "\(result.stdout) \(result.stderr)")
                #expect(files.count == 7)
                #expect(files.values.allSatisfy { $0["schema validation"]?["result"] as? Bool == true }, "\(result.stdout.prefix(3000))")
            }
        }
    }

    /// Each status case, from the shared fixtures and from cabby.
    @Test func statusCasesFromFixturesAndCabby() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(["status.example"])
        try await server.run {
            func status(_ answer: [String: Any]) -> String? { answer["status_type"] as? String }
            var answers: [[String: Any]] = []

            let unauthorized = try await server.exchange("/taxii/poll", body: try TAXIITestServer.fixture("status_unauthorized_request.xml"))
            #expect(status(unauthorized) == "UNAUTHORIZED")
            #expect(unauthorized["http_status"] as? Int == 200)
            let wrongPassword = try await server.exchange(
                "/taxii/poll", body: try TAXIITestServer.fixture("poll_request.xml"), user: "gateway", password: "wrong-password")
            #expect(status(wrongPassword) == "UNAUTHORIZED")
            let notGranted = try await server.exchange("/taxii/poll", body: try TAXIITestServer.fixture("poll_request.xml"), user: "other")
            #expect(status(notGranted) == "UNAUTHORIZED")
            #expect((notGranted["status_message"] as? String)?.contains("other") == true)

            let notFound = try await server.exchange(
                "/taxii/poll", body: try TAXIITestServer.fixture("status_not_found_request.xml"), user: "gateway")
            #expect(status(notFound) == "NOT_FOUND")
            #expect((notFound["status_details"] as? [String: [String]])?["ITEM"] == ["no-such-collection"])
            #expect(notFound["in_response_to"] as? String == "1006")

            let unsupported = try await server.exchange(
                "/taxii/poll", body: try TAXIITestServer.fixture("status_unsupported_content_request.xml"), user: "gateway")
            #expect(status(unsupported) == "UNSUPPORTED_CONTENT")
            #expect(Set((unsupported["status_details"] as? [String: [String]])?["SUPPORTED_CONTENT"] ?? [])
                == ["urn:stix.mitre.org:xml:1.2", "urn:stix.mitre.org:xml:1.1.1"])

            let bad = try await server.exchange("/taxii/poll", body: try TAXIITestServer.fixture("status_bad_message_request.xml"), user: "gateway")
            #expect(status(bad) == "BAD_MESSAGE")
            #expect(bad["in_response_to"] as? String == "1008")

            let backwards = try await server.exchange(
                "/taxii/poll", body: TAXIITestServer.pollRequest(begin: "2026-01-02T00:00:00Z", end: "2026-01-01T00:00:00+00:00"),
                user: "gateway")
            #expect(status(backwards) == "FAILURE")

            let subscription = try await server.exchange(
                "/taxii/poll",
                body: #"<Poll_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7" collection_name="esa-feed"><Subscription_ID>sub-1</Subscription_ID></Poll_Request>"#,
                user: "gateway")
            #expect(status(subscription) == "NOT_FOUND")
            let query = try await server.exchange(
                "/taxii/poll",
                body: #"<Poll_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="8" collection_name="esa-feed"><Poll_Parameters><Response_Type>FULL</Response_Type><Query format_id="urn:taxii.mitre.org:query:default:1.0"/></Poll_Parameters></Poll_Request>"#,
                user: "gateway")
            #expect(status(query) == "UNSUPPORTED_QUERY")
            let unknownResult = try await server.exchange(
                "/taxii/poll", body: try TAXIITestServer.fixture("poll_fulfillment_part2_request.xml"), user: "gateway")
            #expect(status(unknownResult) == "NOT_FOUND")
            answers += [unauthorized, wrongPassword, notGranted, notFound, unsupported, bad, backwards, subscription, query, unknownResult]
            #expect(answers.allSatisfy { $0["schema_valid"] as? Bool == true }, "\(answers.compactMap { $0["schema_errors"] })")
            #expect(answers.allSatisfy { $0["message_type"] as? String == "Status_Message" })

            // cabby raises on each of them; the gateway, built on the same client family, fails the fetch.
            let cabbyUnauthorized = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", "nope"])
            #expect((cabbyUnauthorized["error"] as? String)?.contains("UNAUTHORIZED") == true, "\(cabbyUnauthorized)")
            let cabbyNotFound = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "nothing-here", "--user", "gateway", "--password", TAXIITestServer.password])
            #expect((cabbyNotFound["error"] as? String)?.contains("NOT_FOUND") == true, "\(cabbyNotFound)")
            let cabbyUnsupported = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password,
                 "--binding", "urn:example:unsupported:1.0"])
            #expect((cabbyUnsupported["error"] as? String)?.contains("UNSUPPORTED_CONTENT") == true, "\(cabbyUnsupported)")
        }
    }

    /// Discovery advertises one service of each kind with absolute addresses; every path answers every message.
    @Test func discoveryCollectionsAndDispatchByMessageType() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(["dispatch.example", "192.0.2.77"])
        try await server.run {
            let discovered = try await server.cabby(["discover", server.base + "/taxii/discovery"])
            let services = try #require(discovered["services"] as? [[String: Any]], "\(discovered)")
            #expect(services.map { $0["type"] as? String } == ["DISCOVERY", "COLLECTION_MANAGEMENT", "POLL"])
            #expect(services.compactMap { $0["address"] as? String }
                == ["/taxii/discovery", "/taxii/collection-management", "/taxii/poll"].map { server.base + $0 })
            #expect(services.allSatisfy { ($0["message_bindings"] as? [String]) == ["urn:taxii.mitre.org:message:xml:1.1"] })

            let listed = try await server.cabby(
                ["collections", server.base + "/taxii/collection-management", "--user", "gateway", "--password", TAXIITestServer.password])
            let collections = try #require(listed["collections"] as? [[String: Any]], "\(listed)")
            #expect(collections.map { $0["name"] as? String } == ["esa-feed"])
            #expect(collections.first?["polling"] as? [String] == [server.base + "/taxii/poll"])
            let anonymous = try await server.cabby(["collections", server.base + "/taxii/collection-management"])
            #expect((anonymous["collections"] as? [Any])?.isEmpty == true, "no credentials, nothing listed")

            // A discovery-driven poll: cabby finds the single POLL service itself.
            let viaDiscovery = try await server.cabby(
                ["poll", server.base + "/taxii/discovery", "--discovery", "--collection", "esa-feed", "--user", "gateway",
                 "--password", TAXIITestServer.password])
            #expect(((viaDiscovery["windows"] as? [[String: Any]])?.first?["blocks"] as? [Any])?.count == 2, "\(viaDiscovery)")

            // A Poll_Request sent to the discovery address, and to the /services/ aliases, is still answered.
            for path in ["/taxii/discovery", "/services/poll", "/services/discovery", "/taxii/collection-management"] {
                let answer = try await server.exchange(path, body: TAXIITestServer.pollRequest(), user: "gateway")
                #expect(answer["message_type"] as? String == "Poll_Response", "\(path)")
                #expect((answer["blocks"] as? [Any])?.count == 2, "\(path)")
            }
            let discoveryAtPoll = try await server.exchange("/taxii/poll", body: try TAXIITestServer.fixture("discovery_request.xml"))
            #expect(discoveryAtPoll["message_type"] as? String == "Discovery_Response")
            #expect(discoveryAtPoll["schema_valid"] as? Bool == true)
            let information = try await server.exchange(
                "/services/collection-management", body: try TAXIITestServer.fixture("collection_information_request.xml"), user: "gateway")
            #expect(information["schema_valid"] as? Bool == true, "\(information["schema_errors"] ?? "")")
            #expect((information["collections"] as? [[String: Any]])?.first?["name"] as? String == "esa-feed")

            // Lenient about headers: none of the X-TAXII ones, still answered with all of them.
            let bare = try await server.exchange("/taxii/poll", body: TAXIITestServer.pollRequest(), user: "gateway", extra: ["--no-taxii-headers"])
            #expect(bare["message_type"] as? String == "Poll_Response")
            let headers = bare["headers"] as? [String: String] ?? [:]
            #expect(headers["x-taxii-content-type"] == "urn:taxii.mitre.org:message:xml:1.1")
            #expect(headers["x-taxii-services"] == "urn:taxii.mitre.org:services:1.1")
            #expect(headers["x-taxii-protocol"] == "urn:taxii.mitre.org:protocol:http:1.0")
            #expect(headers["content-type"] == "application/xml")

            let counted = try await server.cabby(
                ["count", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password])
            #expect(counted["count"] as? Int == 2, "\(counted)")
        }
    }

    /// The Threat-Response path answers TAXII too: the secret alone opens the feed; its collection name needs credentials.
    @Test func ctiaViewPathAnswersAPollBySecretOrByGrantedName() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(["ctia-path.example"])
        let path = "/ctia/feed/\(server.feed.id)/view"
        try await server.run {
            let bySecret = try await server.exchange(path, body: TAXIITestServer.pollRequest(collection: server.feed.secret.reveal))
            #expect(bySecret["message_type"] as? String == "Poll_Response")
            #expect((bySecret["blocks"] as? [[String: Any]])?.count == 1)
            let bySecretOnTAXIIPath = try await server.exchange("/taxii/poll", body: TAXIITestServer.pollRequest(collection: server.feed.secret.reveal))
            #expect((bySecretOnTAXIIPath["blocks"] as? [Any])?.count == 1)
            let byName = try await server.exchange(path, body: TAXIITestServer.pollRequest())
            #expect(byName["status_type"] as? String == "UNAUTHORIZED")
            let byNameWithCredentials = try await server.exchange(path, body: TAXIITestServer.pollRequest(), user: "gateway")
            #expect((byNameWithCredentials["blocks"] as? [Any])?.count == 1)
            let wrongSecret = try await server.exchange(path, body: TAXIITestServer.pollRequest(collection: RandomUUID.v4()))
            #expect(wrongSecret["status_type"] as? String == "NOT_FOUND")
            let otherFeedsPath = try await server.exchange(
                "/ctia/feed/feed-00000000-0000-4000-8000-000000000000/view", body: TAXIITestServer.pollRequest(collection: server.feed.secret.reveal))
            #expect(otherFeedsPath["status_type"] as? String == "NOT_FOUND", "a secret opens only its own feed's path")
        }
        #expect(!server.logs.all.contains { $0.contains(server.feed.secret.reveal) }, "the secret is never logged")
        #expect(!server.logs.all.contains { $0.contains(TAXIITestServer.password) })
    }

    /// A feed with a maximum part size pages with result_id and Poll_Fulfillment, ending with an empty part.
    @Test func pagedResultsEndWithAnEmptyPartAsCabbyExpects() async throws {
        let server = try TAXIITestServer(maxPartSize: 3)
        defer { server.directory.remove() }
        let values = (1...10).map { "page-\($0).example" }
        try server.record(values)
        try await server.run {
            let polled = try await server.cabby(
                ["poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password])
            let blocks = try #require((polled["windows"] as? [[String: Any]])?.first?["blocks"] as? [[String: Any]], "\(polled)")
            #expect(blocks.flatMap { ($0["observables"] as? [[String: String]] ?? []).map { $0["value"]! } } == values)

            let first = try await server.exchange("/taxii/poll", body: TAXIITestServer.pollRequest(), user: "gateway")
            #expect(first["more"] as? String == "true")
            #expect(first["record_count"] as? Int == 10)
            #expect((first["blocks"] as? [Any])?.count == 3)
            let resultID = try #require(first["result_id"] as? String)
            var parts: [Int] = []
            for number in 2...5 {
                let fulfilment = #"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="f\#(number)" collection_name="esa-feed" result_id="\#(resultID)" result_part_number="\#(number)"/>"#
                let answer = try await server.exchange("/taxii/poll", body: fulfilment, user: "gateway")
                #expect(answer["schema_valid"] as? Bool == true, "\(answer["schema_errors"] ?? "")")
                parts.append((answer["blocks"] as? [Any])?.count ?? -1)
                #expect(answer["more"] as? String == (number < 4 ? "true" : "false"), "part \(number)")
            }
            #expect(parts == [3, 3, 1, 0])
        }
    }

    /// Hostile bodies get BAD_MESSAGE quickly, read nothing from disk, and the server keeps serving.
    @Test func hostileXMLIsRefusedFastAndTheServerKeepsServing() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(["still-serving.example"])
        let secretFile = server.directory.file("local-secret.txt")
        let secretText = "local-file-content-\(RandomUUID.v4())"
        try secretText.write(toFile: secretFile, atomically: true, encoding: .utf8)
        let laughs = (1...9).map { level in
            #"<!ENTITY lol\#(level) "\#(String(repeating: "&lol\(level - 1);", count: 10))">"#
        }.joined()
        let bodies: [(String, String)] = [
            ("external entity", #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://\#(secretFile)">]><taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1" collection_name="&x;"><taxii_11:Poll_Parameters/></taxii_11:Poll_Request>"#),
            ("passwd entity", #"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><taxii_11:Discovery_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="&x;"/>"#),
            ("billion laughs", #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">\#(laughs)]><taxii_11:Discovery_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="&lol9;"/>"#),
            ("10,000 deep", #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="2" collection_name="esa-feed">"# + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + "</taxii_11:Poll_Request>"),
        ]
        try await server.run {
            for (name, body) in bodies {
                let answer = try await server.exchange("/taxii/poll", body: body, user: "gateway")
                #expect(answer["status_type"] as? String == "BAD_MESSAGE", "\(name)")
                #expect(answer["schema_valid"] as? Bool == true, "\(name)")
                #expect((answer["elapsed_s"] as? Double ?? 99) < 5, "\(name) answered quickly")
                let text = answer["body_prefix"] as? String ?? ""
                #expect(!text.contains(secretText) && !text.contains("root:"), "\(name): no file content in the answer")
            }
            // 50 MB: refused at the 1 MiB limit without reading the rest.
            let huge = String(repeating: "<a>", count: 50_000_000 / 3)
            let answer = try await server.exchange("/taxii/poll", body: huge, user: "gateway")
            #expect(answer["status_type"] as? String == "BAD_MESSAGE")
            #expect((answer["status_message"] as? String)?.contains("larger than") == true)
            let after = try await server.exchange("/taxii/poll", body: TAXIITestServer.pollRequest(), user: "gateway")
            #expect((after["blocks"] as? [Any])?.count == 1, "still serving")
        }
        #expect(!server.logs.all.contains { $0.contains(secretText) || $0.contains("root:x") }, "no file content in any log")
    }

    @Test func getIsNotAllowedOnTAXIIPaths() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try await server.run {
            let result = try await onThread {
                try CommandRunner.run(program: "/usr/bin/curl", ["-s", "-o", "/dev/null", "-D", "-", server.base + "/taxii/poll"])
            }
            #expect(result.stdout.hasPrefix("HTTP/1.1 405"))
            #expect(result.stdout.lowercased().contains("allow: post"))
        }
    }
}
