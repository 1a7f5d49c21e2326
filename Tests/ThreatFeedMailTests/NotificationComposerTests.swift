import Foundation
import Testing
import ThreatFeedMail
import ThreatFeedTesting

@Suite struct NotificationComposerTests {
    let composer = NotificationComposer(from: "threatfeed@corp.example", to: ["soc@corp.example", "admin@corp.example"])

    @Test func subjectIsStableAndCounts() {
        #expect(composer.subject(count: 3) == "ThreatFeed: 3 ETD convictions matched")
        #expect(composer.subject(count: 1) == "ThreatFeed: 1 ETD conviction matched")
    }

    @Test func attackerTextCannotReachTheHeaders() {
        let mail = composer.compose([Samples.hostile, Samples.bec], date: Samples.time, uniqueID: "fixed-1")
        let headers = mail.message.components(separatedBy: "\r\n\r\n")[0]
        #expect(!headers.contains("Bcc"))
        #expect(!headers.contains("victim"))
        #expect(headers.contains("Subject: ThreatFeed: 2 ETD convictions matched"))
        #expect(headers.contains("Message-ID: <fixed1.threatfeed@corp.example>"))
        #expect(headers.contains("Date: "))
        #expect(headers.contains("MIME-Version: 1.0"))
        // The whole message is ASCII with CRLF line breaks, every line far below 998.
        #expect(mail.message.unicodeScalars.allSatisfy { $0.isASCII })
        let lines = mail.message.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 && !$0.contains("\n") && !$0.contains("\r") })
        #expect(mail.listedMessageIDs == ["etd-0001", "etd-0002"])
    }

    @Test func theMessageParsesWithPythonsEmailPackage() throws {
        let composer = NotificationComposer(
            from: "threatfeed@corp.example", to: ["soc@corp.example", "admin@corp.example"], subjectPrefix: "ThreatFeed Zürich ✉")
        let mail = composer.compose([Samples.malicious, Samples.hostile], date: Samples.time)
        try withTemporaryFile(mail.message) { path in
            let parsed = try ParsedMail(path: path)
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(parsed.subject == "ThreatFeed Zürich ✉: 2 ETD convictions matched")
            #expect(parsed.raw_subject_line?.hasPrefix("Subject: =?UTF-8?B?") == true)
            #expect(parsed.to == ["soc@corp.example", "admin@corp.example"])
            #expect(parsed.content_type == "multipart/alternative")
            #expect(parsed.part_types == ["text/plain", "text/html"])
            let plain = try #require(parsed.plain)
            let html = try #require(parsed.html)
            // Oldest first; the hostile subject is one line, with its CR/LF flattened.
            #expect(plain.components(separatedBy: "1. phishing")[0].contains("matched the notification filter"))
            #expect(plain.contains("Subject:      Invoice <script>alert('x')</script> & \"urgent\"  Bcc: victim@example.org — Überweisung"))
            #expect(plain.contains("Recipients:   Alice@Corp.example, bob@corp.example"))
            #expect(plain.contains("Techniques:   credential_harvesting, impersonation"))
            #expect(plain.contains("sha256: " + String(repeating: "ab", count: 32)))
            #expect(plain.contains("domain: evil.example"))
            #expect(plain.contains("https://evil.example/login?next=<b>&x=" + String(repeating: "a", count: 1200)))
            #expect(!html.contains("<script>"))
            #expect(!html.contains("<b>&x"))
            #expect(html.contains("Invoice &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;urgent&quot;"))
            #expect(html.contains("Überweisung"))
            #expect(html.contains("<b>phishing</b>"))
            #expect(parsed.max_line_length <= 998)
            #expect(!parsed.bare_lf)
            #expect(!parsed.non_ascii)
        }
    }

    func withTemporaryFile(_ text: String, _ body: (String) throws -> Void) throws {
        let directory = try TemporaryDirectory(prefix: "mail-compose")
        defer { directory.remove() }
        try body(try directory.write("message.eml", text))
    }
}
