import Foundation
import ThreatFeedCore

/// The body of `POST /sma/api/v2.0/remediation`, shaped as Cisco's ETD-Remediation script sends
/// it [O] (`shared/fixtures/sma/remediation-request.json`); one message per request, as the script does.
///
/// Left out on purpose: `mid` and `serial_number`. ETD does not know the gateway's message id or
/// serial number; the script sends fixed dummies and, per its README, SMA still remediates, so
/// SAR evidently finds mail by Message-ID and recipient [I]. We send no made-up values; if an SMA
/// turns out to require them, its 4xx answer is recorded on the row and shown by `actions list`.
struct SMARemediationRequest: Encodable {
    struct Body: Encodable {
        var batch_id = ""
        var batch_name: String
        var initiated_username: String
        var initiated_source: String
        var batch_description: String
        var action: String
        var fwd_email_address: [String]
        var folder_name = ""
        var report_to_talos = 0
        var message_details: [Message]
    }

    struct Message: Encodable {
        var message_id: String
        var from_email: [String]
        var recipient_email: [String]
        var subject: String
        /// Unix seconds: ETD's message time (real, unlike the script's placeholder).
        var sent_at: Int64
    }

    var data: Body

    /// Why a conviction cannot be turned into a request.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case noInternetMessageID
        case noRecipients

        var description: String {
            switch self {
            case .noInternetMessageID: "ETD gave no internetMessageId for this message, so SMA cannot find it"
            case .noRecipients: "ETD gave no mailboxes for this message, so SMA has nowhere to look"
            }
        }
    }

    init(item: RemediationItem, configuration: RemediationConfiguration) throws(Problem) {
        guard let messageID = item.details.internetMessageID, !messageID.isEmpty else { throw .noInternetMessageID }
        guard !item.details.mailboxes.isEmpty else { throw .noRecipients }
        let verdict = item.verdict.isEmpty ? "" : "\(item.verdict) "
        data = Body(
            batch_name: "etd-\(item.messageID.prefix(8))",
            initiated_username: configuration.credentials.username,
            initiated_source: configuration.smaHost,
            batch_description: "ETD \(verdict)conviction \(item.messageID)",
            action: item.action.rawValue,
            fwd_email_address: configuration.forwardTo,
            message_details: [
                Message(
                    message_id: messageID, from_email: item.details.fromAddress.map { [$0] } ?? [],
                    recipient_email: item.details.mailboxes, subject: item.details.subject ?? "",
                    sent_at: Int64(item.messageTime.timeIntervalSince1970.rounded(.down))
                )
            ]
        )
    }

    /// The exact bytes sent, logged in dry-run and stored on the row: sorted keys, so the same
    /// conviction always gives the same text.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only strings and integers: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }
}
