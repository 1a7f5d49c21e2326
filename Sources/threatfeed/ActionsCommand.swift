import ArgumentParser

/// `threatfeed actions`: what ThreatFeed did (or would do) about convictions.
struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "List SMA remediations of ETD convictions, or retry failed and unconfirmed ones.",
        discussion: """
            `serve` sends one remediation per matching conviction when remediation.enabled is true. \
            A remediation interrupted while SMA was answering is `unconfirmed` and never resent on its \
            own: check SMA's remediation report (Monitoring → Remediation Report), then retry it if it \
            was not done.
            """,
        subcommands: [ActionsListCommand.self, ActionsRetryCommand.self]
    )
}
