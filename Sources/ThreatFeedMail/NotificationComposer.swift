import Foundation

/// Writes one e-mail listing a batch of convictions: a text/plain part and a simple HTML part
/// (multipart/alternative), both UTF-8 in quoted-printable.
///
/// Everything taken from a conviction is attacker-controlled (the phishing mail's subject and
/// sender above all). It never reaches a header: the subject line is our own fixed wording.
/// In the text part it is flattened to one line (`MailText`); in the HTML part it is also
/// entity-escaped (`HTMLEscaping`). Quoted-printable keeps every line within 76 characters.
public struct NotificationComposer: Sendable {
    public var from: String
    public var to: [String]
    /// The start of the subject line; may be non-ASCII (it is then RFC 2047-encoded).
    public var subjectPrefix: String

    public init(from: String, to: [String], subjectPrefix: String = "ThreatFeed") {
        self.from = from
        self.to = to
        self.subjectPrefix = subjectPrefix
    }

    /// "ThreatFeed: 3 ETD convictions matched": stable, so mail rules can match it.
    public func subject(count: Int) -> String {
        "\(subjectPrefix): \(count) ETD conviction\(count == 1 ? "" : "s") matched"
    }

    /// - Parameters:
    ///   - notices: listed oldest first (then by message id), whatever their order here.
    ///   - date: for the Date header.
    ///   - uniqueID: makes the Message-ID and the MIME boundary; random unless a test fixes it.
    public func compose(_ notices: [ConvictionNotice], date: Date, uniqueID: String = UUID().uuidString) -> ComposedNotification {
        let sorted = notices.sorted { ($0.time, $0.messageID) < ($1.time, $1.messageID) }
        let subject = subject(count: sorted.count)
        let token = String(uniqueID.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(40))
        let domain = MailAddress.domain(of: from) ?? "threatfeed.invalid"
        let messageID = "<\(token).threatfeed@\(domain)>"
        // "=_" cannot occur in quoted-printable text ("=" is always followed by hex digits or a
        // line break there), so the boundary cannot collide with a part's content.
        let boundary = "=_threatfeed_\(token)"
        var headers = [
            "From: \(MailText.singleLine(from))",
            "To: \(to.map(MailText.singleLine).joined(separator: ",\r\n "))",
            "Subject: \(EncodedWord.headerValue(subject))",
            "Date: \(MailDate.rfc5322(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            // RFC 3834: auto-responders must not answer this.
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        headers.append("")
        let parts = [
            "This is a MIME message with a text and an HTML version.",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(plainText(sorted, subject: subject)),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(html(sorted, subject: subject)),
            "--\(boundary)--",
            "",
        ]
        return ComposedNotification(
            messageID: messageID, subject: subject, from: from, to: to, listedMessageIDs: sorted.map(\.messageID),
            message: (headers + parts).joined(separator: "\r\n"))
    }

    func plainText(_ notices: [ConvictionNotice], subject: String) -> String {
        let line = MailText.singleLine
        var text = ["\(line(subject)) the notification filter.", ""]
        for (number, notice) in notices.enumerated() {
            text.append("\(number + 1). \(line(notice.verdict)) at \(MailDate.readable(notice.time))")
            text.append("   Subject:      \(line(notice.subject))")
            text.append("   Sender:       \(line(notice.sender))")
            text.append("   Recipients:   \(list(notice.recipients.map(line)))")
            text.append("   Verdict:      \(line(notice.verdict))")
            text.append("   Techniques:   \(list(notice.techniques.map(line)))")
            text.append("   ETD message:  \(line(notice.messageID))")
            if notice.observables.isEmpty {
                text.append("   Observables published: none")
            } else {
                text.append("   Observables published:")
                for observable in notice.observables {
                    text.append("     \(line(observable.type)): \(line(observable.value))")
                }
            }
            text.append("")
        }
        text.append("-- ")
        text.append("Sent by ThreatFeed. Look the messages up by their ETD message id in the ETD console.")
        return text.joined(separator: "\n")
    }

    func html(_ notices: [ConvictionNotice], subject: String) -> String {
        let e = HTMLEscaping.escape
        var html = [
            "<!DOCTYPE html>",
            "<html><head><meta charset=\"utf-8\"><title>\(e(subject))</title></head>",
            "<body style=\"font-family: sans-serif\">",
            "<p>\(e(subject)) the notification filter.</p>",
            "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse: collapse\">",
            "<tr><th>Time (UTC)</th><th>Subject</th><th>Sender</th><th>Recipients</th><th>Verdict</th>"
                + "<th>Techniques</th><th>Observables published</th><th>ETD message</th></tr>",
        ]
        for notice in notices {
            let observables = notice.observables.map { "\(e($0.type)): \(e($0.value))" }.joined(separator: "<br>")
            html.append("<tr>")
            html.append("<td>\(e(MailDate.readable(notice.time)))</td>")
            html.append("<td>\(e(notice.subject))</td>")
            html.append("<td>\(e(notice.sender))</td>")
            html.append("<td>\(notice.recipients.map(e).joined(separator: "<br>"))</td>")
            html.append("<td><b>\(e(notice.verdict))</b></td>")
            html.append("<td>\(list(notice.techniques.map(e)))</td>")
            html.append("<td>\(observables.isEmpty ? "none" : observables)</td>")
            html.append("<td>\(e(notice.messageID))</td>")
            html.append("</tr>")
        }
        html.append("</table>")
        html.append("<p>Sent by ThreatFeed. Look the messages up by their ETD message id in the ETD console.</p>")
        html.append("</body></html>")
        return html.joined(separator: "\n")
    }

    private func list(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: ", ") }
}
