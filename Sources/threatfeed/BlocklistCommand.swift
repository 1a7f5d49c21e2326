import ArgumentParser

/// `threatfeed blocklist`: the gateway spam-quarantine list kept in step with an indicator.
struct BlocklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocklist",
        abstract: "Sync an indicator's sender domains and IPs to the gateway's spam-quarantine blocklist (or safelist).",
        discussion: """
            Configured with blocklist.* settings (THREATFEED_BLOCKLIST_*). `serve` runs the sync every \
            blocklist.interval when blocklist.enabled is true; `blocklist sync` runs it once. Only entries \
            this sync added are ever deleted.
            """,
        subcommands: [BlocklistSyncCommand.self, BlocklistStatusCommand.self]
    )
}
