import ArgumentParser

/// `threatfeed`: one executable, one subcommand per job.
@main
struct ThreatFeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threatfeed",
        abstract: "A private threat-intelligence feed server for Cisco Secure Email gateways.",
        discussion: """
            Keeps indicators (URLs, domains, IPs, SHA-256 hashes) in SQLite and serves them as
            CTIA-style feeds that a gateway's External Threat Feeds can poll.
            """,
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, ImportCommand.self, ExportCommand.self, FeedCommand.self, FeedsCommand.self, IndicatorCommand.self,
            UserCommand.self, ClientsCommand.self, ConfigCommand.self, HealthCommand.self, BackupCommand.self, RestoreCommand.self, PruneCommand.self,
            ETDCommand.self, ActionsCommand.self,
            BlocklistCommand.self, LookupCommand.self, XDRCommand.self,
        ]
    )
}
