import Foundation
import Testing
import ThreatFeedMail

/// The documented semantics: empty list = everything; lists combine with AND; case-insensitive;
/// any recipient monitored / any technique listed.
@Suite struct NotificationFilterTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let filter: NotificationFilter
        /// Message ids of Samples.hostile (0001, phishing, credential_harvesting+impersonation, Alice+bob),
        /// Samples.bec (0002, bec, impersonation, carol) and Samples.malicious (0003, malicious, no technique, dave).
        let expected: [String]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "empty filter matches everything", filter: NotificationFilter(), expected: ["etd-0001", "etd-0002", "etd-0003"]),
        Row(name: "verdict only", filter: NotificationFilter(verdicts: ["bec"]), expected: ["etd-0002"]),
        // Verdict-Watch with VERDICT_VARIABLE="bec" and an empty technique setting reports all three (OR with a
        // match-all); here a single list filters.
        Row(name: "single filter is not match-all (the sample's OR defect)", filter: NotificationFilter(verdicts: ["BEC"]), expected: ["etd-0002"]),
        Row(name: "technique only", filter: NotificationFilter(techniques: ["impersonation"]), expected: ["etd-0001", "etd-0002"]),
        Row(name: "verdict AND technique", filter: NotificationFilter(verdicts: ["phishing", "bec"], techniques: ["credential_harvesting"]), expected: ["etd-0001"]),
        Row(name: "AND with no overlap matches nothing", filter: NotificationFilter(verdicts: ["malicious"], techniques: ["impersonation"]), expected: []),
        Row(name: "mailbox matches when any recipient is monitored, case-insensitively", filter: NotificationFilter(mailboxes: ["alice@corp.EXAMPLE"]), expected: ["etd-0001"]),
        Row(name: "mailbox AND verdict", filter: NotificationFilter(mailboxes: ["alice@corp.example", "carol@corp.example"], verdicts: ["bec"]), expected: ["etd-0002"]),
        Row(name: "all three", filter: NotificationFilter(mailboxes: ["bob@corp.example"], verdicts: ["Phishing"], techniques: ["IMPERSONATION"]), expected: ["etd-0001"]),
        Row(name: "a conviction without techniques fails a technique list", filter: NotificationFilter(verdicts: ["malicious"], techniques: ["attachment"]), expected: []),
        Row(name: "surrounding white space is ignored", filter: NotificationFilter(verdicts: [" malicious "]), expected: ["etd-0003"]),
    ]

    @Test(arguments: rows)
    func filter(_ row: Row) {
        let notices = [Samples.hostile, Samples.bec, Samples.malicious]
        #expect(row.filter.select(notices).map(\.messageID) == row.expected)
    }
}
