import Foundation
import Testing
import ThreatFeedTesting

/// The configurable limits of `serve` (request head, body, idle and request timeouts, connections) and the drain
/// on SIGTERM, driven through raw sockets and curl against the real process.
@Suite struct ServerLimitsTests {
    func curl(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "10"] + arguments) }
    }

    /// Runs a Python snippet with the server's port as argv[1]; returns its stdout.
    func python(_ script: String, port: Int) async throws -> String {
        let result = try await onThread { try CommandRunner.run(program: "/usr/bin/python3", ["-c", script, String(port)]) }
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func headBodyIdleAndRequestLimitsComeFromTheSettings() async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(
                database: dir.file("t.sqlite"),
                environment: [
                    "THREATFEED_MAX_HEADER_SIZE": "2KiB", "THREATFEED_MAX_REQUEST_BODY": "4KiB",
                    "THREATFEED_IDLE_TIMEOUT": "2s", "THREATFEED_REQUEST_TIMEOUT": "2s",
                ]
            )
            defer { server.stop() }
            // A request head over 2 KiB is refused before any handler; the server goes on serving.
            let big = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Padding: \(String(repeating: "a", count: 3_000))", "\(server.baseURL)/health"])
            #expect(big.stdout == "400", "the HTTP parser refuses it: \(big.stdout) \(big.stderr)")
            let small = try await curl(["-H", "X-Padding: \(String(repeating: "a", count: 1_000))", "\(server.baseURL)/health"])
            #expect(small.stdout == #"{"status":"ok"}"#)

            // A body over 4 KiB gets the TAXII BAD_MESSAGE naming the limit.
            let padding = String(repeating: " ", count: 5_000)
            let body = #"<taxii_11:Discovery_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1">\#(padding)</taxii_11:Discovery_Request>"#
            let tooLarge = try await curl(["--data-binary", body, "\(server.baseURL)/taxii/discovery"])
            #expect(tooLarge.stdout.contains(#"status_type="BAD_MESSAGE""#), "\(tooLarge.stdout)")
            #expect(tooLarge.stdout.contains("larger than 4096 bytes"))

            // A body that trickles in (a byte every half second: the idle timeout never fires) is cut off with 408
            // once the request timeout passes: on TAXII, and on a route that lets the error through (the admin form).
            func trickle(_ path: String, contentType: String) async throws -> String {
                try await python(
                    """
                    import socket, sys
                    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                    s.sendall(b"POST \(path) HTTP/1.1\\r\\nHost: t\\r\\nContent-Type: \(contentType)\\r\\nContent-Length: 1000\\r\\n\\r\\n<taxii")
                    s.settimeout(0.5)
                    answer = "nothing"
                    for _ in range(40):
                        try:
                            s.sendall(b" ")
                            data = s.recv(200)
                            answer = data.split(b"\\r\\n")[0].decode() if data else "closed"
                            break
                        except socket.timeout:
                            continue
                        except OSError as error:
                            answer = type(error).__name__
                            break
                    print(answer)
                    """, port: server.port)
            }
            let trickled = try await trickle("/taxii/poll", contentType: "application/xml")
            let trickledForm = try await trickle("/ui/login", contentType: "application/x-www-form-urlencoded")
            #expect(trickledForm == "HTTP/1.1 408 Request Timeout", "\(trickledForm)")
            #expect(trickled == "HTTP/1.1 408 Request Timeout", "\(trickled)")

            // A connection that says nothing is closed by the idle timeout.
            let idle = try await python(
                """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.settimeout(15)
                print("closed" if s.recv(10) == b"" else "answered")
                """, port: server.port)
            #expect(idle == "closed")
            #expect(try await curl(["\(server.baseURL)/health"]).stdout == #"{"status":"ok"}"#)
        }
    }

    /// With two connections allowed and both held, a third waits until one closes. No timing decides it: each
    /// held connection has been answered (so the server holds it), and a later request on one of them is
    /// answered while the third still has nothing.
    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(database: dir.file("t.sqlite"), environment: ["THREATFEED_MAX_CONNECTIONS": "2"])
            defer { server.stop() }
            let outcome = try await python(
                """
                import http.client, select, socket, sys
                port = int(sys.argv[1])
                held = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(2)]
                for connection in held:
                    connection.request("GET", "/health")
                    connection.getresponse().read()
                third = socket.create_connection(("127.0.0.1", port))
                third.sendall(b"GET /health HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n")
                held[1].request("GET", "/health")
                later = held[1].getresponse()
                later.read()
                waiting = "answered" if select.select([third], [], [], 0)[0] else "waiting"
                held[0].close()
                third.settimeout(10)
                print(later.status, waiting, third.recv(64).split(b" ")[1].decode())
                """, port: server.port)
            #expect(outcome == "200 waiting 200", "\(outcome)")
        }
    }

    /// SIGTERM with a drain delay: /health/ready answers 503 while the server still serves, then it exits 0.
    @Test func readinessGoesUnavailableWhileDraining() async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(database: dir.file("t.sqlite"), environment: ["THREATFEED_DRAIN_DELAY": "4s"])
            defer { server.stop() }
            #expect(try await curl(["\(server.baseURL)/health/ready"]).stdout == #"{"status":"ready"}"#)
            kill(server.process.processIdentifier, SIGTERM)
            // Within the 4 s drain delay, so the server still answers while this looks.
            try await waitUntil("readiness answering draining", limit: 3) {
                try CommandRunner.run(program: "/usr/bin/curl", ["-s", "-w", " %{http_code}", "\(server.baseURL)/health/ready"]).stdout
                    == #"{"status":"draining"} 503"#
            }
            #expect(try await curl(["\(server.baseURL)/health"]).stdout == #"{"status":"ok"}"#, "still serving while draining")
            try await onThread { server.process.waitUntilExit() }
            #expect(server.process.terminationStatus == 0)
            #expect(server.stderrText.contains("draining"))
        }
    }
}
