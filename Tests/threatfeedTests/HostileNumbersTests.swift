import Foundation
import Testing
import ThreatFeedTesting

/// Numbers an outsider writes into a TAXII request (timestamps with dozens of fraction digits, part numbers far past
/// Int64, offsets and years of any length) against the real `threatfeed serve` process: each gets a TAXII answer,
/// and the process is still there to answer /health afterwards.
@Suite struct HostileNumbersTests {
    static let namespace = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1"

    func curl(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "20"] + arguments) }
    }

    static func poll(begin: String? = nil, end: String? = nil, id: String) -> String {
        let window = (begin.map { "<t:Exclusive_Begin_Timestamp>\($0)</t:Exclusive_Begin_Timestamp>" } ?? "")
            + (end.map { "<t:Inclusive_End_Timestamp>\($0)</t:Inclusive_End_Timestamp>" } ?? "")
        return #"<t:Poll_Request xmlns:t="\#(namespace)" message_id="\#(id)" collection_name="esa-feed">\#(window)<t:Poll_Parameters allow_asynch="false"><t:Response_Type>FULL</t:Response_Type></t:Poll_Parameters></t:Poll_Request>"#
    }

    static func fulfilment(resultID: String, part: String, id: String) -> String {
        #"<t:Poll_Fulfillment xmlns:t="\#(namespace)" message_id="\#(id)" collection_name="esa-feed" result_id="\#(resultID)" result_part_number="\#(part)"/>"#
    }

    @Test func hostileNumbersInPollRequestsGetATAXIIAnswerAndTheServerStaysUp() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "one.example\ntwo.example\nthree.example\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "seen", input]).status == 0)
            #expect(try CommandRunner.run(
                ["feed", "create", "esa", "--indicator", "seen", "--collection", "esa-feed", "--max-part-size", "1", "--db", db]
            ).status == 0)
            #expect(try CommandRunner.run(["user", "add", "gw", "--db", db], stdin: Data("hostile-numbers-pass\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "grant", "esa", "gw", "--db", db]).status == 0)
            let server = try ServerProcess(database: db)
            defer { server.stop() }

            func post(_ body: String) async throws -> String {
                let answer = try await curl(["-u", "gw:hostile-numbers-pass", "-H", "Content-Type: application/xml",
                                             "--data-binary", body, "\(server.baseURL)/taxii/poll"])
                #expect(answer.status == 0, "\(answer.stderr)")
                return answer.stdout
            }
            let nines = String(repeating: "9", count: 40)

            // The known crash: dozens of fraction digits. With a zone it is a valid xs:dateTime, read to the microsecond.
            let longFraction = try await post(Self.poll(begin: "2000-01-01T00:00:00.\(nines)Z", id: "long-fraction"))
            #expect(longFraction.contains("Poll_Response") && longFraction.contains(#"more="true""#), "\(longFraction.prefix(600))")
            let dotNet = try await post(Self.poll(begin: "2000-01-01T00:00:00.1234567+02:00", end: "2999-12-31T23:59:59.\(nines)Z", id: "dotnet"))
            #expect(dotNet.contains("Poll_Response"), "\(dotNet.prefix(600))")

            // Out of range or malformed numbers: BAD_MESSAGE naming the field, for this request only.
            let refused: [(String, String)] = [
                (Self.poll(begin: "2000-01-01T00:00:00.\(nines)", id: "b1"), "Exclusive_Begin_Timestamp"),
                (Self.poll(end: "2000-01-01T00:00:00+\(nines):00", id: "b2"), "Inclusive_End_Timestamp"),
                (Self.poll(begin: "\(nines)-01-01T00:00:00Z", id: "b3"), "Exclusive_Begin_Timestamp"),
                (Self.poll(begin: "2000-\(nines)-01T00:00:00Z", id: "b4"), "Exclusive_Begin_Timestamp"),
                (Self.poll(begin: "2000-01-01T\(nines):00:00Z", id: "b5"), "Exclusive_Begin_Timestamp"),
            ]
            for (body, field) in refused {
                let answer = try await post(body)
                #expect(answer.contains(#"status_type="BAD_MESSAGE""#) && answer.contains(field), "\(field): \(answer.prefix(600))")
            }

            // A real result set (three parts of one), then part numbers far past it and past Int64.
            let first = try await post(Self.poll(id: "parts"))
            let resultID = try #require(first.firstMatch(of: /result_id="([^"]+)"/).map { String($0.1) }, "\(first.prefix(600))")
            for part in [nines, "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1" + String(repeating: "0", count: 300)] {
                let answer = try await post(Self.fulfilment(resultID: resultID, part: part, id: "p"))
                #expect(answer.contains(#"status_type="BAD_MESSAGE""#) && answer.contains("result_part_number"), "\(part): \(answer.prefix(600))")
            }
            // The largest part number accepted is past the last part: the empty part that ends a result set.
            let farPart = try await post(Self.fulfilment(resultID: resultID, part: "1000000000", id: "far"))
            #expect(farPart.contains("Poll_Response") && farPart.contains(#"more="false""#) && !farPart.contains("Content_Block"),
                    "\(farPart.prefix(600))")
            let third = try await post(Self.fulfilment(resultID: resultID, part: "3", id: "third"))
            #expect(third.contains("Content_Block") && third.contains(#"more="false""#), "\(third.prefix(600))")

            // Numbers in HTTP headers: a Content-Length past 64 bits, negative, or twice; If-None-Match of any length.
            for header in ["Content-Length: 99999999999999999999999999", "Content-Length: -1", "Content-Length: 5\\r\\nContent-Length: 6"] {
                let status = try await onThread {
                    try CommandRunner.run(program: "/usr/bin/python3", ["-c", """
                        import socket, sys
                        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
                        s.sendall(b"POST /taxii/poll HTTP/1.1\\r\\nHost: t\\r\\n\(header)\\r\\n\\r\\n<x/>")
                        data = s.recv(200)
                        print(data.split(b"\\r\\n")[0].decode() if data else "closed")
                        """, String(server.port)])
                }
                #expect(status.stdout.hasPrefix("HTTP/1.1 400"), "\(header): \(status.stdout) \(status.stderr)")
            }
            let etag = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"\(nines)\(nines)-\(nines)\"",
                                       "\(server.baseURL)/ctia/feed/nope/view?s=\(nines)"])
            #expect(etag.stdout == "404", "\(etag.stdout) \(etag.stderr)")

            let health = try await curl(["\(server.baseURL)/health"])
            #expect(health.stdout == #"{"status":"ok"}"#, "\(health.stdout) \(health.stderr) \(server.stderrText.suffix(2000))")
            #expect(server.process.isRunning)
        }
    }
}
