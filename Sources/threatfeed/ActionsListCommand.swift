import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// `threatfeed actions list [--failed] [--json]`: every remediation with its state and SMA's last answer.
struct ActionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List SMA remediations, newest change first.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only failed and unconfirmed remediations (the ones that need a look).") var failed = false
    @Flag(help: "Print JSON, with the request sent and SMA's answer.") var json = false

    struct Entry: Encodable {
        var messageID: String
        var internetMessageID: String?
        var subject: String?
        var action: String
        var state: String
        var attempts: Int
        var nextAttempt: String?
        var created: String
        var updated: String
        var request: String?
        var answerStatus: Int?
        var answerBody: String?

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case internetMessageID = "internet_message_id"
            case subject, action, state, attempts
            case nextAttempt = "next_attempt"
            case created, updated, request
            case answerStatus = "answer_status"
            case answerBody = "answer_body"
        }

        init(_ record: RemediationRecord) {
            messageID = record.messageID
            internetMessageID = record.internetMessageID
            subject = record.subject
            action = record.action.rawValue
            state = record.state.rawValue
            attempts = record.attempts
            nextAttempt = record.nextAttempt.map(Timestamps.iso8601Milli)
            created = Timestamps.iso8601Milli(record.created)
            updated = Timestamps.iso8601Milli(record.updated)
            request = record.request
            answerStatus = record.answerStatus
            answerBody = record.answerBody
        }
    }

    func run() async throws {
        let store = try global.openStore()
        let records = try reportingErrors { try store.readNow { try $0.remediations(problemsOnly: failed) } }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(records.map(Entry.init)), as: UTF8.self))
            return
        }
        guard !records.isEmpty else {
            print(failed ? "No failed or unconfirmed remediations." : "No remediations yet.")
            return
        }
        print(["MESSAGE", "SUBJECT", "ACTION", "STATE", "ATTEMPTS", "LAST ANSWER", "UPDATED"].joined(separator: "\t"))
        for record in records {
            let subject = String((record.subject ?? "").prefix(50))
            let answer = record.answerStatus.map(String.init) ?? (record.answerBody == nil ? "—" : "no answer")
            print(
                [record.messageID, subject, record.action.rawValue, record.state.rawValue, String(record.attempts), answer,
                 Timestamps.iso8601Milli(record.updated)].joined(separator: "\t")
            )
        }
        if records.contains(where: { $0.state == .unconfirmed }) {
            print(
                """

                unconfirmed: ThreatFeed stopped while SMA was answering, so it cannot know whether SMA acted. \
                Check SMA's remediation report (Monitoring → Remediation Report) for the message; if it was not \
                remediated, run `threatfeed actions retry MESSAGE_ID` (or `--all-unconfirmed`).
                """
            )
        }
        if failed, records.contains(where: { $0.state == .failed }) {
            print("failed: SMA refused the request or retries ran out; `threatfeed actions list --json` shows SMA's answer.")
        }
    }
}
