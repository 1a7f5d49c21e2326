import ArgumentParser

/// `threatfeed etd`: the Email Threat Defense poller by hand.
struct ETDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etd",
        abstract: "Poll Cisco Email Threat Defense for convictions, or show the poller's status.",
        discussion: """
            The connection is configured with THREATFEED_ETD_REGION (us, de, au, in, ae, beta) \
            or THREATFEED_ETD_BASE_URL, and THREATFEED_ETD_CLIENT_ID, THREATFEED_ETD_CLIENT_SECRET, \
            THREATFEED_ETD_API_KEY. `serve` polls on its own when these are set.
            """,
        subcommands: [ETDPollCommand.self, ETDStatusCommand.self, ETDReplayCommand.self, ETDHeldBackCommand.self, ETDSimulateCommand.self]
    )
}
