import ArgumentParser
import Foundation
import ThreatFeedStore

/// `threatfeed actions retry MESSAGE_ID | --all-unconfirmed`: back to pending; a running `serve` sends it on its next cycle.
struct ActionsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put a failed, unconfirmed or dry-run remediation back in the queue.",
        discussion: "Only after checking SMA's remediation report: retrying an unconfirmed remediation that SMA did carry out sends it twice."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ETD message id, as `actions list` shows it.") var messageID: String?
    @Flag(name: .customLong("all-unconfirmed"), help: "Every unconfirmed remediation.") var allUnconfirmed = false

    func validate() throws {
        guard (messageID != nil) != allUnconfirmed else {
            throw ValidationError("give either a message id or --all-unconfirmed")
        }
    }

    func run() async throws {
        let store = try global.openStore()
        let moved = try reportingErrors { try store.writeNow { try $0.retryRemediations(messageID: messageID, allUnconfirmed: allUnconfirmed) } }
        guard !moved.isEmpty else {
            Terminal.error(
                messageID.map { "no failed, unconfirmed or dry-run remediation for message \($0)" } ?? "no unconfirmed remediation"
            )
            throw ExitCode.failure
        }
        for id in moved { print("queued again: \(id)") }
    }
}
