import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

/// `threatfeed lookup` and `POST /lookup` against a real store and a real server: a table of terms (typed, bare,
/// defanged, IDN, IPv6 forms, e-mail, unknown, ended, held back by each policy reason, delivered and not yet
/// delivered to a polling client), free text, exit statuses, access and limits.
@Suite(.serialized) struct LookupTests {
    static let sha256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

    /// One conviction per message, each tripping policy reasons (the policy comes from the environment below).
    static let etdMessages = """
        {"data": {"messages": [
          {"id": "msg-freemail", "timestamp": "2026-11-22T12:50:41Z", "fromAddress": "boss@gmail.com", "clientIP": "10.1.2.3",
           "subject": "Wire transfer", "verdict": {"category": "bec", "techniques": [{"type": "Call to action"}]}},
          {"id": "msg-hosting", "timestamp": "2026-11-22T12:51:41Z", "fromAddress": "promo@bit.ly", "clientIP": "198.51.100.77",
           "subject": "Your parcel", "verdict": {"category": "phishing", "techniques": []}},
          {"id": "msg-own", "timestamp": "2026-11-22T12:52:41Z", "fromAddress": "it@ours.example", "clientIP": "203.0.113.50",
           "subject": "Reset your password", "urlMetadata": [{"url": "http://allowed.example/x"}, {"url": "http://phish.example/login"}],
           "verdict": {"category": "phishing", "techniques": [{"type": "Malicious URL"}]}}
        ]}}
        """

    struct Fixture {
        let dir: TemporaryDirectory
        let db: String
        let environment: [String: String]
        let adminToken: String
    }

    /// The store every case reads: an import, a feed, an ETD replay.
    func makeFixture(_ dir: TemporaryDirectory) throws -> Fixture {
        let db = dir.file("t.sqlite")
        let policy = dir.file("policy")
        try FileManager.default.createDirectory(atPath: policy, withIntermediateDirectories: true)
        for name in ["freemail-domains.txt", "shared-hosting-domains.txt"] {
            try FileManager.default.copyItem(atPath: "\(Self.repository)/feeds/policy/\(name)", toPath: "\(policy)/\(name)")
        }
        _ = try dir.write("policy/allowlist.txt", "allowed.example\n")
        let environment = [
            "THREATFEED_POLICY_DIR": policy, "THREATFEED_OWN_DOMAINS": "ours.example", "THREATFEED_GATEWAY_IPS": "198.51.100.0/24",
        ]
        let manual = try dir.write("manual.txt", "evil.example\nhttp://evil.example/login\nhttps://evil.example:8443/other\n203.0.113.7\n2001:db8::7\nbücher.example\n\(Self.sha256)\n")
        #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "manual", manual]).status == 0)
        // Ended yesterday: inside the retention, so `serve`'s start-up prune keeps it.
        let ended = try dir.write("ended.csv", "type,value,valid_from,valid_until,description\ndomain,ended.example,\(Self.endedFrom),\(Self.endedUntil),old campaign\n")
        #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "manual", ended]).status == 0)
        #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "manual", "--db", db]).status == 0)
        let replay = try dir.write("etd.json", Self.etdMessages)
        let replayed = try CommandRunner.run(["etd", "replay", "--db", db, replay], environment: environment)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        return Fixture(dir: dir, db: db, environment: environment, adminToken: "admin-\(UUID().uuidString)")
    }

    static let endedFrom = String(Timestamps.iso8601Milli(Date().addingTimeInterval(-10 * 86_400)).prefix(10))
    static let endedUntil = String(Timestamps.iso8601Milli(Date().addingTimeInterval(-86_400)).prefix(10))

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// What a case expects of the first result.
    struct Case: CustomStringConvertible {
        let term: String
        let type: String
        let value: String
        let known: Bool
        var check: @Sendable ([String: Any]) -> String? = { _ in nil }
        var description: String { term }
    }

    static func judgements(_ result: [String: Any]) -> [[String: Any]] { result["judgements"] as? [[String: Any]] ?? [] }
    static func heldBack(_ result: [String: Any]) -> [String] { (result["held_back"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String } }
    static func related(_ result: [String: Any]) -> [[String: Any]] { result["related"] as? [[String: Any]] ?? [] }
    static func clients(_ judgement: [String: Any]) -> [[String: Any]] {
        (judgement["feeds"] as? [[String: Any]] ?? []).flatMap { $0["clients"] as? [[String: Any]] ?? [] }
    }

    static func heldBackCase(_ term: String, _ type: String, _ value: String, _ reason: String) -> Case {
        Case(term: term, type: type, value: value, known: true) { result in
            let reasons = heldBack(result)
            guard reasons.contains(reason) else { return "held back \(reasons), expected \(reason)" }
            let entry = (result["held_back"] as? [[String: Any]])?.first
            guard (entry?["conviction"] as? [String: Any])?["message_id"] is String else { return "no conviction on the held-back entry" }
            return judgements(result).isEmpty ? nil : "a held-back value has no judgement"
        }
    }

    static let cases: [Case] = [
        Case(term: "domain:evil.example", type: "domain", value: "evil.example", known: true) { result in
            guard let j = judgements(result).first, j["state"] as? String == "live", j["indicator"] as? String == "manual" else { return "no live judgement in manual" }
            guard clients(j).contains(where: { $0["delivered"] as? Bool == true }) else { return "not delivered: \(clients(j))" }
            let urls = related(result).filter { $0["relation"] as? String == "url-on-host" }.compactMap { $0["value"] as? String }
            return Set(urls) == ["http://evil.example/login", "https://evil.example:8443/other"] ? nil : "URLs on the domain: \(urls)"
        },
        Case(term: "evil.example", type: "domain", value: "evil.example", known: true),
        Case(term: "hxxp://evil[.]example/login", type: "url", value: "http://evil.example/login", known: true) { result in
            guard judgements(result).count == 1 else { return "judgements: \(judgements(result).count)" }
            let host = related(result).first { $0["relation"] as? String == "host-of-url" }
            return host?["value"] as? String == "evil.example" && !judgements(host ?? [:]).isEmpty ? nil : "no host judgement: \(related(result))"
        },
        Case(term: #"url:"HTTP://EVIL.example/login""#, type: "url", value: "http://evil.example/login", known: true),
        Case(term: #"ip:"203.0.113.7""#, type: "ip", value: "203.0.113.7", known: true),
        Case(term: "203[.]0[.]113[.]7", type: "ip", value: "203.0.113.7", known: true),
        Case(term: "2001:DB8:0:0::7", type: "ipv6", value: "2001:db8::7", known: true),
        Case(term: "[2001:db8::7]", type: "ipv6", value: "2001:db8::7", known: true),
        Case(term: "ipv6:2001:0db8:0000::0007", type: "ipv6", value: "2001:db8::7", known: true),
        Case(term: "bücher.example", type: "domain", value: "xn--bcher-kva.example", known: true),
        Case(term: "domain:BÜCHER.example", type: "domain", value: "xn--bcher-kva.example", known: true),
        Case(term: "sha256:\(sha256)", type: "sha256", value: sha256.lowercased(), known: true),
        Case(term: sha256, type: "sha256", value: sha256.lowercased(), known: true),
        Case(term: "email:someone@Evil.Example", type: "email", value: "someone@evil.example", known: true) { result in
            related(result).first?["relation"] as? String == "domain-of-email" ? nil : "no domain-of-email: \(related(result))"
        },
        Case(term: "nothing-here.example", type: "domain", value: "nothing-here.example", known: false) { result in
            judgements(result).isEmpty && heldBack(result).isEmpty ? nil : "something found"
        },
        Case(term: "ended.example", type: "domain", value: "ended.example", known: true) { result in
            guard let j = judgements(result).first else { return "no judgement" }
            guard j["state"] as? String == "ended", (j["valid_time"] as? [String: Any])?["end_time"] as? String == "\(endedUntil)T00:00:00.000Z" else { return "\(j)" }
            return (j["feeds"] as? [[String: Any]])?.first?["serving"] as? Bool == false ? nil : "an ended judgement is served"
        },
        Case(term: "phish.example", type: "domain", value: "phish.example", known: true) { result in
            guard judgements(result).isEmpty else { return "the domain itself was never published" }
            let urls = related(result).filter { $0["relation"] as? String == "url-on-host" }.compactMap { $0["value"] as? String }
            return urls == ["http://phish.example/login"] ? nil : "URLs on it: \(urls)"
        },
        Case(term: "http://phish.example/login", type: "url", value: "http://phish.example/login", known: true) { result in
            guard let j = judgements(result).first, let etd = (j["etd"] as? [[String: Any]])?.first else { return "no ETD provenance" }
            guard etd["message_id"] as? String == "msg-own", etd["verdict"] as? String == "phishing",
                etd["subject"] as? String == "Reset your password" else { return "\(etd)" }
            return j["source"] as? String == "etd" && j["priority"] as? Int == 90 ? nil : "\(j)"
        },
        heldBackCase("gmail.com", "domain", "gmail.com", "freemail-domain"),
        heldBackCase("10.1.2.3", "ip", "10.1.2.3", "reserved-address"),
        heldBackCase("bit.ly", "domain", "bit.ly", "shared-hosting-domain"),
        heldBackCase("198.51.100.77", "ip", "198.51.100.77", "own-gateway-ip"),
        heldBackCase("ours.example", "domain", "ours.example", "own-domain"),
        heldBackCase("url:http://allowed.example/x", "url", "http://allowed.example/x", "allowlisted"),
    ]

    func lookup(_ terms: [String], _ fixture: Fixture, stdin: Data? = nil) throws -> (Int32, [String: Any]?, String) {
        let run = try CommandRunner.run(["lookup", "--db", fixture.db, "--json"] + terms, environment: fixture.environment, stdin: stdin)
        let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run.status, object, run.stderr)
    }

    func post(_ server: ServerProcess, _ body: String, headers: [String]) async throws -> (Int, [String: Any]?) {
        let result = try await onThread {
            try CommandRunner.run(
                program: "/usr/bin/curl",
                ["-sS", "--max-time", "20", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@-"]
                    + headers.flatMap { ["-H", $0] } + ["\(server.baseURL)/lookup"],
                stdin: Data(body.utf8)
            )
        }
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        return (status, try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    static func check(_ expected: Case, _ result: [String: Any]?, via: String) {
        guard let result else {
            Issue.record("\(via) \(expected.term): no result")
            return
        }
        #expect(result["type"] as? String == expected.type, "\(via) \(expected.term)")
        #expect(result["value"] as? String == expected.value, "\(via) \(expected.term)")
        #expect(result["known"] as? Bool == expected.known, "\(via) \(expected.term): \(result)")
        if let problem = expected.check(result) { Issue.record("\(via) \(expected.term): \(problem)") }
    }

    @Test func tableThroughTheCommandLineAndPOSTLookup() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = try makeFixture(dir)
            let server = try ServerProcess(database: fixture.db, environment: ["THREATFEED_ADMIN_TOKEN": fixture.adminToken])
            defer { server.stop() }
            let admin = ["Authorization: Bearer \(fixture.adminToken)"]

            // The gateway polls the feed; afterwards a new value arrives, which it has not polled yet.
            let shown = try #require(
                try JSONSerialization.jsonObject(with: Data(try CommandRunner.run(["feed", "show", "esa", "--json", "--db", fixture.db]).stdout.utf8)) as? [String: Any])
            let viewURL = try #require(shown["view_url"] as? String ?? (shown["view_txt_url"] as? String)?.replacingOccurrences(of: "view.txt", with: "view"))
            let localView = viewURL.replacingOccurrences(of: #"^https?://[^/]+"#, with: server.baseURL, options: .regularExpression)
            let polled = try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "10", localView]) }
            #expect(polled.stdout.contains("evil.example"), "\(polled.stdout)")
            let fresh = try dir.write("fresh.txt", "fresh.example\n")
            #expect(try CommandRunner.run(["import", "--db", fixture.db, "--indicator", "manual", fresh]).status == 0)

            // POST first: it saves the server's poll records, which the command line then reads from the database.
            for expected in Self.cases {
                // `type:value` goes as a typed pair, anything else as free text.
                let typed = expected.term.range(of: "^[a-z][a-z0-9]*:(?!//)", options: .regularExpression) != nil
                let body: String
                if typed, let colon = expected.term.firstIndex(of: ":") {
                    var value = String(expected.term[expected.term.index(after: colon)...])
                    if value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                    body = String(decoding: try JSONSerialization.data(withJSONObject: [["type": String(expected.term[..<colon]), "value": value]]), as: UTF8.self)
                } else {
                    body = String(decoding: try JSONSerialization.data(withJSONObject: ["text": expected.term]), as: UTF8.self)
                }
                let (status, answer) = try await post(server, body, headers: admin)
                #expect(status == 200, "POST \(expected.term)")
                Self.check(expected, (answer?["results"] as? [[String: Any]])?.first, via: "POST")
                let (exit, report, stderr) = try lookup([expected.term], fixture)
                #expect(exit == (expected.known ? 0 : 1), "CLI \(expected.term): \(stderr)")
                Self.check(expected, (report?["results"] as? [[String: Any]])?.first, via: "CLI")
            }

            // Delivered before the poll, not yet after it.
            let (_, freshReport, _) = try lookup(["fresh.example"], fixture)
            let freshResult = try #require((freshReport?["results"] as? [[String: Any]])?.first)
            let freshJudgement = try #require(Self.judgements(freshResult).first)
            let freshClient = try #require(Self.clients(freshJudgement).first)
            #expect(freshClient["delivered"] as? Bool == false)
            #expect((freshClient["status"] as? String)?.hasPrefix("not yet polled since") == true, "\(freshClient)")
            let text = try CommandRunner.run(["lookup", "--db", fixture.db, "evil.example", "fresh.example"], environment: fixture.environment)
            #expect(text.status == 0)
            #expect(text.stdout.contains("delivered to 127.0.0.1 at"), "\(text.stdout)")
            #expect(text.stdout.contains("not yet polled since"), "\(text.stdout)")

            // Several terms at once; the CLI's JSON and POST's are the same content.
            let many = ["evil.example", "203.0.113.7", "gmail.com", "nothing-here.example"]
            let (manyExit, cli, _) = try lookup(many, fixture)
            #expect(manyExit == 0)
            let pairs = many.map { ["type": $0.contains("@") ? "email" : ($0.first!.isNumber ? "ip" : "domain"), "value": $0] }
            let (_, http) = try await post(server, String(decoding: try JSONSerialization.data(withJSONObject: pairs), as: UTF8.self), headers: admin)
            let cliResults = try #require(cli?["results"] as? [[String: Any]])
            let httpResults = try #require(http?["results"] as? [[String: Any]])
            #expect(cliResults.count == 4)
            #expect(NSArray(array: cliResults).isEqual(to: httpResults), "CLI and POST answers differ")
        }
    }

    @Test func freeTextExitStatusesAndBadInput() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = try makeFixture(dir)
            let header = """
                Received: from mx.evil.example (mx.evil.example [203.0.113.7]) by gw.ours.example;
                From: "CEO" <someone@evil.example>
                Subject: see hxxp://evil[.]example/login, e.g. today.
                X-Origin: [IPv6:2001:db8::7]
                Attachment hash: \(Self.sha256).
                """
            let (status, report, stderr) = try lookup(["--text", "-"], fixture, stdin: Data(header.utf8))
            #expect(status == 0, "\(stderr)")
            let results = try #require(report?["results"] as? [[String: Any]])
            let found = Set(results.map { "\($0["type"] as? String ?? ""):\($0["value"] as? String ?? "")" })
            for expected in [
                "domain:mx.evil.example", "ip:203.0.113.7", "email:someone@evil.example", "url:http://evil.example/login", "ipv6:2001:db8::7",
                "sha256:\(Self.sha256.lowercased())", "domain:gw.ours.example",
            ] {
                #expect(found.contains(expected), "\(expected) not in \(found.sorted())")
            }
            #expect(!found.contains { $0.hasSuffix("e.g") || $0.hasSuffix(":today") }, "\(found.sorted())")
            let file = try dir.write("ticket.txt", "nothing here but unknown-host.example and 192.0.2.99\n")
            let (fileStatus, fileReport, _) = try lookup(["--text", file], fixture)
            #expect(fileStatus == 1, "nothing known")
            #expect((fileReport?["results"] as? [[String: Any]])?.count == 2)

            for bad in ["ip:999.1.1.1", "foo:bar", "sha256:abc", "url:evil.example", "email:no-at-sign", ""] {
                let run = try CommandRunner.run(["lookup", "--db", fixture.db, bad])
                #expect(run.status == 2, "\(bad): \(run.stdout)")
                #expect(run.stderr.contains("error:"), "\(bad): \(run.stderr)")
            }
            #expect(try CommandRunner.run(["lookup", "--db", fixture.db]).status == 2)
            #expect(try CommandRunner.run(["lookup", "--db", fixture.db, "--text", dir.file("missing.txt")]).status == 2)
        }
    }

    @Test func accessAndLimitsOfPOSTLookup() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = try makeFixture(dir)
            let password = "a-long-lookup-passphrase"
            #expect(try CommandRunner.run(["user", "add", "analyst", "--db", fixture.db], stdin: Data("\(password)\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["user", "add", "gateway", "--db", fixture.db], stdin: Data("\(password)\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["user", "allow", "analyst", "lookup", "--db", fixture.db]).status == 0)
            #expect(try CommandRunner.run(["user", "allow", "analyst", "everything", "--db", fixture.db]).status == 1)
            let server = try ServerProcess(database: fixture.db, environment: ["THREATFEED_ADMIN_TOKEN": fixture.adminToken])
            defer { server.stop() }
            let body = #"[{"type":"domain","value":"evil.example"}]"#
            func basic(_ user: String, _ password: String) -> String { "Authorization: Basic \(Data("\(user):\(password)".utf8).base64EncodedString())" }

            #expect(try await post(server, body, headers: []).0 == 401)
            #expect(try await post(server, body, headers: ["Authorization: Bearer wrong"]).0 == 401)
            #expect(try await post(server, body, headers: ["Authorization: Bearer \(fixture.adminToken)"]).0 == 200)
            #expect(try await post(server, body, headers: [basic("analyst", password)]).0 == 200)
            #expect(try await post(server, body, headers: [basic("analyst", "wrong-password")]).0 == 401)
            #expect(try await post(server, body, headers: [basic("gateway", password)]).0 == 403)
            #expect(try CommandRunner.run(["user", "disallow", "analyst", "lookup", "--db", fixture.db]).status == 0)
            #expect(try await post(server, body, headers: [basic("analyst", password)]).0 == 403)

            let admin = ["Authorization: Bearer \(fixture.adminToken)"]
            let (badJSON, badAnswer) = try await post(server, "{not json", headers: admin)
            #expect(badJSON == 400 && badAnswer?["error"] as? String == "body is not JSON")
            let (badType, typeAnswer) = try await post(server, #"[{"type":"user","value":"x"}]"#, headers: admin)
            #expect(badType == 400 && (typeAnswer?["error"] as? String)?.contains("unknown type") == true)
            let (badValue, valueAnswer) = try await post(server, #"[{"type":"ip","value":"1.2.3"}]"#, headers: admin)
            #expect(badValue == 400 && (valueAnswer?["error"] as? String)?.hasPrefix("item 0 (ip):") == true, "\(String(describing: valueAnswer))")
            let tooMany = "[" + (0...1_000).map { #"{"type":"ip","value":"192.0.2.\#($0 % 250)"}"# }.joined(separator: ",") + "]"
            let (manyStatus, manyAnswer) = try await post(server, tooMany, headers: admin)
            #expect(manyStatus == 400 && (manyAnswer?["error"] as? String)?.contains("at most 1000") == true)
            let huge = #"{"text":""# + String(repeating: "a", count: 300 * 1024) + #""}"#
            #expect(try await post(server, huge, headers: admin).0 == 413)
        }
    }
}
