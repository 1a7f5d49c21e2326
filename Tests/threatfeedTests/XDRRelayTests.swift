import Foundation
import Testing
import ThreatFeedTesting

/// The Cisco XDR relay module under /xdr/ against a real server: JWTs made here (with Python's hmac, not our
/// code), each refusal in the relay template's words, and the answers checked against CTIM's required fields.
@Suite(.serialized) struct XDRRelayTests {
    static let key = "xdr-test-key-0123456789-abcdefghijklmnop"

    /// HS256 JWT over `payload` (JSON text), signed with `key`; `alg` goes into the header as given.
    static func jwt(key: String, payload: String, alg: String = "HS256") throws -> String {
        let script = """
            import base64, hashlib, hmac, sys
            b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=').decode()
            key, payload, alg = sys.argv[1:4]
            signing = b(('{"alg":"%s","typ":"JWT"}' % alg).encode()) + '.' + b(payload.encode())
            print(signing + '.' + b(hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest()))
            """
        let run = try CommandRunner.run(program: "/usr/bin/python3", ["-c", script, key, payload, alg])
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func call(_ server: ServerProcess, _ path: String, body: String = "[]", authorization: String?) async throws -> (Int, [String: Any]) {
        let headers = authorization.map { ["-H", "Authorization: \($0)"] } ?? []
        let result = try await onThread {
            try CommandRunner.run(
                program: "/usr/bin/curl",
                ["-sS", "--max-time", "20", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@-"] + headers
                    + ["\(server.baseURL)/xdr/\(path)"],
                stdin: Data(body.utf8)
            )
        }
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let object = try JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8)) as? [String: Any]
        return (Int(lines.last ?? "") ?? 0, object ?? [:])
    }

    static func authorizationError(_ answer: [String: Any]) -> String? {
        guard let error = (answer["errors"] as? [[String: Any]])?.first, error["type"] as? String == "fatal",
            error["code"] as? String == "authorization error"
        else { return nil }
        return error["message"] as? String
    }

    static let dispositions = [1: "Clean", 2: "Malicious", 3: "Suspicious", 4: "Common", 5: "Unknown"]
    static let highMedLow: Set<String> = ["Info", "Low", "Medium", "High", "None", "Unknown"]

    /// CTIM 1.3 required fields (xdr-relay-ctim.md §3); nil when all are there and well-typed.
    static func judgementProblem(_ j: [String: Any]) -> String? {
        guard j["type"] as? String == "judgement", j["id"] is String, j["schema_version"] is String, j["source"] is String else { return "type/id/schema_version/source" }
        guard let observable = j["observable"] as? [String: Any], observable["type"] is String, observable["value"] is String else { return "observable" }
        guard let disposition = j["disposition"] as? Int, dispositions[disposition] == j["disposition_name"] as? String else { return "disposition" }
        guard let priority = j["priority"] as? Int, (0...100).contains(priority) else { return "priority" }
        guard highMedLow.contains(j["confidence"] as? String ?? ""), (highMedLow.union(["Critical"])).contains(j["severity"] as? String ?? "") else { return "confidence/severity" }
        guard let valid = j["valid_time"] as? [String: Any], valid["start_time"] is String, valid["end_time"] is String else { return "valid_time" }
        return nil
    }

    static func verdictProblem(_ v: [String: Any]) -> String? {
        guard v["type"] as? String == "verdict", v["observable"] is [String: Any], let disposition = v["disposition"] as? Int,
            dispositions[disposition] != nil, v["valid_time"] is [String: Any]
        else { return "verdict fields: \(v)" }
        return nil
    }

    static func sightingProblem(_ s: [String: Any]) -> String? {
        guard s["type"] as? String == "sighting", (s["id"] as? String)?.hasPrefix("transient:") == true, s["schema_version"] is String,
            (s["count"] as? Int ?? 0) >= 1, highMedLow.contains(s["confidence"] as? String ?? ""),
            (s["observed_time"] as? [String: Any])?["start_time"] is String
        else { return "sighting fields: \(s)" }
        return nil
    }

    @Test func relayModuleAuthenticatesAndAnswersInCTIMShapes() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "evil.example\nhttp://evil.example/login\n203.0.113.7\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "manual", input]).status == 0)
            let etd = try dir.write("etd.json", """
                {"data": {"messages": [{"id": "msg-1", "timestamp": "2026-11-22T12:50:41Z", "fromAddress": "a@phish.example",
                  "clientIP": "203.0.113.60", "subject": "Invoice", "urlMetadata": [{"url": "http://phish.example/pay"}],
                  "verdict": {"category": "phishing", "techniques": [{"type": "Malicious URL"}]}}]}}
                """)
            let policy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("feeds/policy").path
            #expect(try CommandRunner.run(["etd", "replay", "--db", db, etd], environment: ["THREATFEED_POLICY_DIR": policy]).status == 0)
            let environment = ["THREATFEED_XDR_KEY": Self.key, "THREATFEED_XDR_MAX_OBSERVABLES": "5"]
            let port = try freeLoopbackPort()
            let server = try ServerProcess(database: db, port: port, environment: environment)
            defer { server.stop() }
            let now = Int(Date().timeIntervalSince1970)
            let good = try Self.jwt(key: Self.key, payload: #"{"key":"x","iat":\#(now),"exp":\#(now + 3600)}"#)

            let (healthStatus, health) = try await call(server, "health", authorization: "Bearer \(good)")
            #expect(healthStatus == 200)
            #expect((health["data"] as? [String: Any])?["status"] as? String == "ok", "\(health)")

            // Each refusal, on every route, in the template's words and envelope.
            let refusals: [(String?, String)] = [
                (nil, "Authorization failed: Authorization header is missing"),
                ("Basic \(Data("a:b".utf8).base64EncodedString())", "Authorization failed: Wrong authorization type"),
                ("Bearer not-a-jwt", "Authorization failed: Wrong JWT structure"),
                ("Bearer \(try Self.jwt(key: "another-key-0123456789-abcdefghijklmnop", payload: #"{"key":"x"}"#))", "Authorization failed: Failed to decode JWT with provided key"),
                ("Bearer \(try Self.jwt(key: Self.key, payload: #"{"key":"x","exp":\#(now - 60)}"#))", "Authorization failed: JWT has expired"),
                ("Bearer \(try Self.jwt(key: Self.key, payload: #"{"key":"x","nbf":\#(now + 3600)}"#))", "Authorization failed: JWT is not valid yet"),
                ("Bearer \(try Self.jwt(key: Self.key, payload: #"{"key":"x"}"#, alg: "none"))", "Authorization failed: Wrong JWT structure"),
                ("Bearer \(try Self.jwt(key: Self.key, payload: #"["not","an","object"]"#))", "Authorization failed: Wrong JWT payload structure"),
            ]
            for route in ["health", "observe/observables", "deliberate/observables", "refer/observables"] {
                for (authorization, message) in refusals {
                    let (status, answer) = try await call(server, route, body: #"[{"type":"domain","value":"evil.example"}]"#, authorization: authorization)
                    #expect(status == 200, "\(route)")
                    #expect(Self.authorizationError(answer) == message, "\(route) \(authorization ?? "none"): \(answer)")
                    #expect(answer["data"] == nil, "no data with a refusal")
                }
            }

            // observe: judgements, verdicts, sightings; unknown types ignored.
            let observables = #"[{"type":"domain","value":"evil.example"},{"type":"url","value":"http://phish.example/pay"},{"type":"mac_address","value":"00:11:22:33:44:55"},{"type":"ip","value":"198.51.100.200"}]"#
            let (_, observed) = try await call(server, "observe/observables", body: observables, authorization: "Bearer \(good)")
            let data = try #require(observed["data"] as? [String: Any], "\(observed)")
            let judgements = try #require((data["judgements"] as? [String: Any])?["docs"] as? [[String: Any]])
            #expect((data["judgements"] as? [String: Any])?["count"] as? Int == judgements.count)
            #expect(Set(judgements.compactMap { ($0["observable"] as? [String: Any])?["value"] as? String }) == ["evil.example", "http://phish.example/pay"])
            for judgement in judgements { #expect(Self.judgementProblem(judgement) == nil, "\(Self.judgementProblem(judgement) ?? ""): \(judgement)") }
            let verdicts = try #require((data["verdicts"] as? [String: Any])?["docs"] as? [[String: Any]])
            #expect(verdicts.count == 2)
            for verdict in verdicts { #expect(Self.verdictProblem(verdict) == nil) }
            let sightings = try #require((data["sightings"] as? [String: Any])?["docs"] as? [[String: Any]])
            #expect(sightings.count == 1, "the one ETD conviction that carried the URL")
            for sighting in sightings { #expect(Self.sightingProblem(sighting) == nil) }
            #expect((sightings.first?["description"] as? String)?.contains("Invoice") == true)

            // deliberate: verdicts only.
            let (_, deliberated) = try await call(server, "deliberate/observables", body: observables, authorization: "Bearer \(good)")
            let deliberateData = try #require(deliberated["data"] as? [String: Any])
            #expect(deliberateData["judgements"] == nil)
            #expect(((deliberateData["verdicts"] as? [String: Any])?["docs"] as? [[String: Any]])?.count == 2)

            // refer: one link per known observable type, to our own lookup.
            let (_, referred) = try await call(server, "refer/observables", body: observables, authorization: "Bearer \(good)")
            let links = try #require(referred["data"] as? [[String: Any]])
            #expect(links.count == 3)
            for link in links {
                #expect(link["id"] is String && link["title"] is String && link["description"] is String && link["categories"] is [String])
                #expect((link["url"] as? String)?.hasPrefix("\(server.baseURL)/lookup?term=") == true, "\(link)")
            }

            // Blank values and too many observables are refused as invalid arguments.
            for body in [#"[{"type":"ip","value":"  "}]"#, "[" + Array(repeating: #"{"type":"ip","value":"192.0.2.1"}"#, count: 6).joined(separator: ",") + "]", "{}", "nope"] {
                let (status, answer) = try await call(server, "observe/observables", body: body, authorization: "Bearer \(good)")
                #expect(status == 200)
                let error = (answer["errors"] as? [[String: Any]])?.first
                #expect(error?["code"] as? String == "invalid argument", "\(body): \(answer)")
            }

            // `threatfeed xdr token` makes a token the server accepts; without a key it says what to set.
            let token = try CommandRunner.run(["xdr", "token", "--db", db, "--valid-for", "30d"], environment: environment)
            #expect(token.status == 0, "\(token.stderr)")
            let (_, tokenHealth) = try await call(server, "health", authorization: "Bearer \(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect((tokenHealth["data"] as? [String: Any])?["status"] as? String == "ok", "\(tokenHealth)")
            let noKey = try CommandRunner.run(["xdr", "token", "--db", db])
            #expect(noKey.status == 1 && noKey.stderr.contains("xdr.key"))
            let shortKey = try CommandRunner.run(["xdr", "token", "--db", db], environment: ["THREATFEED_XDR_KEY": "short"])
            #expect(shortKey.status == 1 && shortKey.stderr.contains("at least 32"))
        }
    }
}
