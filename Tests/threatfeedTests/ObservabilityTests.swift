import Foundation
import Testing
import ThreatFeedTesting

/// "Is my gateway polling?", /metrics and structured logs, against the real server.
@Suite struct ObservabilityTests {
    func curl(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "10"] + arguments) }
    }

    @Test func pollsAreRecordedPerFeedAndClientWithTheirFirstRequestsAndNoSecrets() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "observed.example\n203.0.113.9\nhttps://observed.example/x\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "seen", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "seen", "--db", db]).status == 0)
            let password = "observability-passphrase"
            #expect(try CommandRunner.run(["user", "add", "gw", "--db", db], stdin: Data("\(password)\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "grant", "esa", "gw", "--db", db]).status == 0)
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(try CommandRunner.run(["feed", "show", "esa", "--json", "--db", db]).stdout.utf8)) as? [String: Any])
            let secret = try #require(shown["secret"] as? String)
            let id = try #require(shown["id"] as? String)
            let adminToken = "admin-\(UUID().uuidString)"
            let server = try ServerProcess(
                database: db, extraArguments: ["--log-format", "json"],
                environment: ["THREATFEED_ADMIN_TOKEN": adminToken, "THREATFEED_METRICS_TOKEN": "metrics-token-1"]
            )
            defer { server.stop() }

            #expect(try await curl(["\(server.baseURL)/ctia/feed/\(id)/view?s=\(secret)"]).stdout.contains("observed.example"))
            #expect(try await curl(["\(server.baseURL)/ctia/feed/\(id)/view.txt?s=wrong"]).stdout == "wrong secret")
            let poll = #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="9" collection_name="esa"><taxii_11:Poll_Parameters/></taxii_11:Poll_Request>"#
            let taxii = try await curl(["-u", "gw:\(password)", "--data", poll, "\(server.baseURL)/taxii/poll"])
            #expect(taxii.stdout.contains("Content_Block"))
            let bySecret = #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="10" collection_name="\#(secret)"><taxii_11:Poll_Parameters/></taxii_11:Poll_Request>"#
            _ = try await curl(["--data", bySecret, "\(server.baseURL)/taxii/poll"])

            #expect(try await curl(["-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/health/clients"]).stdout == "403")
            let clients = try await curl(["-H", "Authorization: Bearer \(adminToken)", "\(server.baseURL)/health/clients"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(clients.stdout.utf8)) as? [String: Any], "\(clients.stdout)")
            let polls = try #require(object["clients"] as? [[String: Any]])
            let esa = try #require(polls.first { $0["feed"] as? String == "esa" })
            #expect(esa["client"] as? String == "127.0.0.1")
            #expect(esa["polls"] as? Int == 4)
            #expect(esa["failures"] as? Int == 1, "the wrong secret")
            #expect(esa["kind"] as? String == "taxii" && esa["outcome"] as? String == "served")
            #expect(esa["served"] as? Int == 3)
            let samples = try #require(object["first_requests"] as? [[String: Any]])
            #expect(samples.count == 3, "the first three requests of the new client")
            #expect(samples.first?["target"] as? String == "/ctia/feed/\(id)/view?s=<secret>")
            let sampledHeaders = samples.flatMap { $0["headers"] as? [String] ?? [] }
            #expect(sampledHeaders.contains { $0.lowercased().hasPrefix("user-agent: curl") })
            #expect(!sampledHeaders.contains { $0.lowercased().hasPrefix("authorization") })
            #expect((samples[2]["body_prefix"] as? String)?.contains("Poll_Request") == true)
            #expect(!clients.stdout.contains(secret) && !clients.stdout.contains(password))

            let table = try CommandRunner.run(["clients", "--requests", "--db", db])
            #expect(table.stdout.contains("esa"), "\(table.stdout)")
            #expect(table.stdout.contains("127.0.0.1"))
            #expect(!table.stdout.contains(secret))

            // Metrics: a token is configured, so it is needed even from loopback.
            #expect(try await curl(["-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/metrics"]).stdout == "403")
            let metrics = try await curl(["-H", "Authorization: Bearer metrics-token-1", "\(server.baseURL)/metrics"]).stdout
            #expect(metrics.contains(#"threatfeed_feed_observables{feed="esa"} 3"#), "\(metrics.prefix(3000))")
            #expect(metrics.contains(#"threatfeed_polls_total{feed="esa",kind="ctia-json",outcome="served"} 1"#))
            #expect(metrics.contains(#"threatfeed_polls_total{feed="esa",kind="ctia-text",outcome="wrong-secret"} 1"#))
            #expect(metrics.contains("threatfeed_http_request_duration_seconds_bucket"))
            #expect(metrics.contains(#"route="/ctia/feed/{id}/view""#) || metrics.contains(#"route="/ctia/feed/:id/view""#))
            #expect(!metrics.contains(secret) && !metrics.contains(id))
            // prometheus_client's parser reads it, and the counters move with traffic.
            func served() async throws -> Double {
                let text = try await curl(["-H", "Authorization: Bearer metrics-token-1", "\(server.baseURL)/metrics"]).stdout
                let parsed = try PythonClients.decode(
                    try await onThread { try PythonClients.output("parse_metrics.py", [], stdin: Data(text.utf8)) })
                let samples = try #require(parsed["samples"] as? [[String: Any]])
                return samples.first {
                    $0["name"] as? String == "threatfeed_polls_total"
                        && ($0["labels"] as? [String: String]) == ["feed": "esa", "kind": "ctia-json", "outcome": "served"]
                }?["value"] as? Double ?? -1
            }
            let before = try await served()
            #expect(before == 1)
            for _ in 0..<3 { _ = try await curl(["\(server.baseURL)/ctia/feed/\(id)/view?s=\(secret)"]) }
            #expect(try await served() == before + 3)

            // JSON log lines, each a JSON object with the request's route and status; no secret, no password.
            let log = server.stderrText
            let requestLines = log.split(separator: "\n").filter { $0.contains(#""msg":"request""#) }
            #expect(requestLines.count >= 6, "\(log.suffix(2000))")
            for line in requestLines {
                let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                #expect(parsed?["status"] != nil && parsed?["route"] != nil && parsed?["hb.request.id"] != nil, "\(line)")
                #expect(parsed?["bytes"] != nil, "bytes sent: \(line)")
            }
            // The streamed TAXII answer is logged once written, with its size.
            let pollLine = try #require(requestLines.first { $0.contains(#""route":"/taxii/poll""#) })
            let pollBytes = Int((try JSONSerialization.jsonObject(with: Data(pollLine.utf8)) as? [String: String])?["bytes"] ?? "") ?? 0
            #expect(pollBytes > 1_000 && pollBytes == taxii.stdout.utf8.count, "\(pollLine)")
            #expect(!log.contains(secret) && !log.contains(password) && !log.contains(adminToken))
        }
    }

    @Test func metricsServeLoopbackWithoutATokenAndClientsStayClosedWithoutOne() async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(database: dir.file("t.sqlite"))
            defer { server.stop() }
            let metrics = try await curl(["-w", "\n%{http_code}", "\(server.baseURL)/metrics"])
            #expect(metrics.stdout.hasSuffix("\n200"))
            let clients = try await curl(["-w", "\n%{http_code}", "\(server.baseURL)/health/clients"])
            #expect(clients.stdout.hasSuffix("\n404"))
            #expect(clients.stdout.contains("THREATFEED_ADMIN_TOKEN"))
            let empty = try CommandRunner.run(["clients", "--db", dir.file("t.sqlite")])
            #expect(empty.stdout.hasPrefix("no polls seen yet"))
        }
    }

    /// "Is my gateway polling?" with two real pollers: cabby's taxii-poll from 127.0.0.1 and curl reading the
    /// CTIA JSON view from 127.0.0.2 each get their own row, with the right kind and count.
    @Test func healthClientsShowsACabbyPollerAndACurlPollerApart() async throws {
        try PythonClients.requireVenv()
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "pollers.example\n198.51.100.7\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "seen", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "seen", "--collection", "esa-feed", "--db", db]).status == 0)
            #expect(try CommandRunner.run(["user", "add", "gw", "--db", db], stdin: Data("pollers-passphrase\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "grant", "esa", "gw", "--db", db]).status == 0)
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(try CommandRunner.run(["feed", "show", "esa", "--json", "--db", db]).stdout.utf8)) as? [String: Any])
            let secret = try #require(shown["secret"] as? String)
            let id = try #require(shown["id"] as? String)
            let adminToken = "admin-\(UUID().uuidString)"
            let server = try ServerProcess(database: db, environment: ["THREATFEED_ADMIN_TOKEN": adminToken])
            defer { server.stop() }

            for _ in 0..<2 {
                let poll = try await onThread {
                    try CommandRunner.run(
                        program: PythonClients.tool("taxii-poll"),
                        ["--host", "127.0.0.1", "--port", String(server.port), "--path", "/taxii/poll", "-c", "esa-feed",
                         "--username", "gw", "--password", "pollers-passphrase"])
                }
                #expect((poll.stdout + poll.stderr).contains("2 blocks polled"), "\(poll.stdout.suffix(2000)) \(poll.stderr.suffix(2000))")
            }
            for _ in 0..<3 {
                let view = try await curl(["--interface", "127.0.0.2", "\(server.baseURL)/ctia/feed/\(id)/view?s=\(secret)"])
                #expect(view.stdout.contains("pollers.example"), "\(view.stderr)")
            }

            let clients = try await curl(["-H", "Authorization: Bearer \(adminToken)", "\(server.baseURL)/health/clients"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(clients.stdout.utf8)) as? [String: Any], "\(clients.stdout)")
            let rows = try #require(object["clients"] as? [[String: Any]])
            let cabby = try #require(rows.first { $0["client"] as? String == "127.0.0.1" }, "\(rows)")
            #expect(cabby["feed"] as? String == "esa")
            #expect(cabby["kind"] as? String == "taxii")
            #expect(cabby["polls"] as? Int == 2)
            #expect(cabby["served"] as? Int == 2)
            #expect(cabby["outcome"] as? String == "served")
            let curlRow = try #require(rows.first { $0["client"] as? String == "127.0.0.2" }, "\(rows)")
            #expect(curlRow["feed"] as? String == "esa")
            #expect(curlRow["kind"] as? String == "ctia-json")
            #expect(curlRow["polls"] as? Int == 3)
            #expect(curlRow["served"] as? Int == 2)
            // Each new client's first requests are kept, cabby's with its own User-Agent and no credentials.
            let samples = try #require(object["first_requests"] as? [[String: Any]])
            let cabbyHeaders = samples.filter { $0["client"] as? String == "127.0.0.1" }.flatMap { $0["headers"] as? [String] ?? [] }
            #expect(cabbyHeaders.contains { $0.lowercased().hasPrefix("user-agent: cabby") }, "\(cabbyHeaders)")
            #expect(!cabbyHeaders.contains { $0.lowercased().hasPrefix("authorization") })
            #expect(!clients.stdout.contains(secret) && !clients.stdout.contains("pollers-passphrase"))
        }
    }
}
