import Testing
@testable import ThreatFeedMail

/// The pure parts of the SMTP client: reply parsing, DATA encoding, capabilities, addresses.
@Suite struct SMTPWireTests {
    @Test func multiLineRepliesAreAssembledAndSingleLinesPassThrough() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-mail.example Hello") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        let reply = try #require(try parser.feed("250 SIZE 1000"))
        #expect(reply == SMTPReply(code: 250, lines: ["mail.example Hello", "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 1000"]))
        #expect(try parser.feed("354") == SMTPReply(code: 354, lines: [""]))
        #expect(try parser.feed("451 4.3.0 try later") == SMTPReply(code: 451, lines: ["4.3.0 try later"]))
    }

    @Test func malformedRepliesAreRejected() {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.notAReplyLine("HTTP/1.1 400 Bad Request")) { try parser.feed("HTTP/1.1 400 Bad Request") }
        var changing = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.codeChanged(from: 250, to: 251)) {
            _ = try changing.feed("250-one")
            _ = try changing.feed("251 two")
        }
        var badSeparator = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.self) { try badSeparator.feed("250xyz") }
        var badClass = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.self) { try badClass.feed("650 no such class") }
    }

    @Test func dataIsDotStuffedWithCRLFLineEndings() {
        let encoded = SMTPDataEncoding.encode(Array("Subject: x\n\n.hidden\r\n.\rlast line\n..two".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "Subject: x\r\n\r\n..hidden\r\n..\r\nlast line\r\n...two\r\n.\r\n")
        #expect(String(decoding: SMTPDataEncoding.encode(Array("ends with break\r\n".utf8)), as: UTF8.self) == "ends with break\r\n.\r\n")
    }

    @Test func capabilitiesReadBothAuthForms() {
        let modern = SMTPCapabilities(ehlo: SMTPReply(code: 250, lines: ["host", "starttls", "AUTH LOGIN PLAIN"]))
        #expect(modern.supports("STARTTLS"))
        #expect(modern.authenticationMechanisms == ["LOGIN", "PLAIN"])
        let old = SMTPCapabilities(ehlo: SMTPReply(code: 250, lines: ["host", "AUTH=LOGIN"]))
        #expect(old.authenticationMechanisms == ["LOGIN"])
        #expect(!old.supports("STARTTLS"))
    }

    @Test(arguments: [
        ("admin@corp.example", true), ("a.b+c@sub.corp.example", true), ("", false), ("no-at.example", false),
        ("a@b@c", false), ("x@corp.example>\r\nRCPT TO:<y@z", false), ("Name <a@b.example>", false), ("ü@corp.example", false),
        ("a@bad_domain.example", false), ("a@.example", false),
    ])
    func addresses(_ address: String, _ valid: Bool) {
        #expect(MailAddress.isValid(address) == valid, "\(address)")
    }

    @Test func replyTextIsBoundedAndFreeOfControls() {
        let reply = SMTPReply(code: 550, lines: ["bad\u{1B}[31m", String(repeating: "x", count: 2000)])
        #expect(!reply.text.contains("\u{1B}"))
        #expect(reply.text.count <= 513)
    }

    @Test func errorsNameTheStageAndTheReplyAndSayWhetherToRetry() {
        let transient = SMTPError(stage: .rcptTo("a@b.example"), problem: .reply(code: 451, text: "4.3.0 later"))
        #expect(transient.isTransient)
        #expect(transient.description == "SMTP RCPT TO <a@b.example>: server answered 451 4.3.0 later (transient)")
        let permanent = SMTPError(stage: .messageBody, problem: .reply(code: 554, text: "5.7.1 rejected"))
        #expect(!permanent.isTransient)
        #expect(permanent.description.contains("end of DATA"))
        #expect(SMTPError(stage: .connect, problem: .connectionFailed("refused")).isTransient)
        #expect(SMTPError(stage: .greeting, problem: .timedOut(seconds: 1)).isTransient)
        #expect(!SMTPError(stage: .tlsHandshake, problem: .tlsFailed("untrusted")).isTransient)
    }

    @Test func credentialsNeverPrintTheirPassword() {
        let credentials = SMTPCredentials(username: "mailer", password: "s3cret-pw")
        #expect(!"\(credentials)".contains("s3cret-pw"))
        #expect(!String(reflecting: credentials).contains("s3cret-pw"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("s3cret-pw"))
    }
}
