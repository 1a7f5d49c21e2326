import Foundation
import Testing
import ThreatFeedTesting

/// A CR LF (or ESC, or any control character) in a user name, a path or a query cannot forge a log line, in any
/// log format, against the real server.
@Suite struct LogInjectionTests {
    static let forgedUser = "gw\r\nlevel=error msg=\"forged\" time=now\u{1B}[2J"
    static let forgedPath = "/ctia/feed/feed-x%0D%0Alevel=error%20forged%1B%5B2J/view"

    @Test(arguments: ["text", "logfmt", "json"])
    func requestValuesCannotStartALine(format: String) async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(database: dir.file("t.sqlite"), extraArguments: ["--log-format", format, "--log-level", "debug"])
            defer { server.stop() }
            let poll = #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1" collection_name="c"><taxii_11:Poll_Parameters/></taxii_11:Poll_Request>"#
            let authorization = "Basic " + Data("\(Self.forgedUser):some-password".utf8).base64EncodedString()
            _ = try await onThread {
                try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "-H", "Authorization: \(authorization)", "--data", poll, "\(server.baseURL)/taxii/poll"])
            }
            _ = try await onThread {
                try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--path-as-is", "\(server.baseURL)\(Self.forgedPath)?s=1&x%0D%0Alevel=error=1"])
            }
            // Wait for both request lines (the log is written as the answers go out).
            try await waitUntil("both request lines logged", limit: 20) {
                server.stderrText.components(separatedBy: "\n").filter({ $0.contains("request") && $0.contains("status") }).count >= 2
            }
            let log = server.stderrText
            #expect(log.contains("wrong credentials"), "\(log.suffix(3000))")
            for line in log.split(separator: "\n", omittingEmptySubsequences: true) {
                #expect(!line.contains("\r") && !line.contains("\u{1B}"), "\(line)")
                #expect(!line.hasPrefix("level=error") && !line.hasPrefix(" msg=") && !line.hasPrefix("forged"), "\(line)")
                switch format {
                case "json":
                    #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
                case "logfmt":
                    #expect(line.hasPrefix("time="), "\(line)")
                default:
                    // The start-up banner goes to stdout; every stderr line starts with its time stamp.
                    #expect(line.first?.isNumber == true, "\(line)")
                }
            }
            // The values are there, escaped, for the administrator to read.
            #expect(log.contains(#"gw\\r\\nlevel=error"#) || log.contains(#"gw\r\nlevel=error"#), "\(log.suffix(3000))")
            #expect(log.contains(#"\e[2J"#) || log.contains(#"\\e[2J"#))
        }
    }
}
