import ArgumentParser
import Foundation
import ThreatFeedService
import ThreatFeedStore

/// Options every subcommand that touches the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (env THREATFEED_DB).", valueName: "path"))
    var db: String?
    @Option(name: .long, help: ArgumentHelp("YAML configuration file (env THREATFEED_CONFIG).", valueName: "file"))
    var config: String?

    /// Flag > environment > configuration file > default; a bad file is an error naming its line.
    func settings() throws -> Settings {
        try reportingErrors { try Settings.load(configPath: config) }
    }

    var databasePath: String {
        get throws { try settings().string(.database, flag: db) ?? "./data/threatfeed.sqlite" }
    }

    /// Opens the store, turning failures into a message and exit status 1.
    func openStore() throws -> Store {
        let path = try databasePath
        return try reportingErrors { try Store(path: path) }
    }
}

/// Where gateways reach this server, for the settings we print (env THREATFEED_PUBLIC_URL).
struct PublicURLOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Address gateways use to reach this server, e.g. https://feeds.example.com (env THREATFEED_PUBLIC_URL).", valueName: "url")
    )
    var publicURL: String?

    func resolved(_ settings: Settings? = nil, defaultHost: String = "127.0.0.1", defaultPort: Int = 8080) throws -> PublicURL {
        let text = settings?.string(.publicURL, flag: publicURL) ?? publicURL ?? ProcessInfo.processInfo.environment["THREATFEED_PUBLIC_URL"]
        guard let text else { return PublicURL(scheme: "http", host: defaultHost, port: defaultPort) }
        guard let url = PublicURL(parsing: text) else {
            throw CLIError("invalid --public-url '\(text)': expected http(s)://host[:port]")
        }
        return url
    }
}

/// A user error: printed as `error: …`, exit status 1, never a stack trace.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`; any error becomes one line on stderr and exit status 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Terminal.error("\(error)")
        throw ExitCode.failure
    }
}

func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Terminal.error("\(error)")
        throw ExitCode.failure
    }
}
