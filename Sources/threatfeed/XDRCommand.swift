import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedServer
import ThreatFeedService

/// `threatfeed xdr token`: the bearer token to paste into Cisco XDR's relay-module form.
struct XDRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xdr", abstract: "The Cisco XDR relay module (/xdr/).", subcommands: [Token.self]
    )

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a JWT (HS256, signed with xdr.key) for XDR's module form: Authorization: Bearer <token>."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Make the token expire after this long (e.g. 365d); default: no expiry.", valueName: "duration"))
        var validFor: String?

        func run() throws {
            let settings = try global.settings()
            let key = settings.string(.xdrKey)
            let configuration = try reportingErrors { try XDROptions.configuration(key: key, maxObservables: nil) }
            guard let configuration else {
                Terminal.error("set xdr.key (THREATFEED_XDR_KEY) first: the server verifies tokens with it")
                throw ExitCode.failure
            }
            let span = try reportingErrors { try validFor.map { try TimeSpan(parsing: $0) } }
            let now = Date()
            print(RelayJWT(key: configuration.key).token(issuedAt: now, expires: span.map { now.addingTimeInterval($0.seconds) }))
        }
    }
}
