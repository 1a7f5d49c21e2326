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
            throw CLIError.invalid("--public-url", text, "expected http(s)://host[:port]")
        }
        return url
    }
}

/// A user error: printed as `error: …`, exit status 1, never a stack trace.
/// A command's input that cannot be used: an option's or argument's value, a file, a password prompt. Which one
/// travels as fields; `description` is the one place the message is written (`reportingErrors` prints it).
struct CLIError: Error, CustomStringConvertible {
    private enum Code {
        case invalid(expected: String)
        case unreadable(reason: String)
        case unwritable
        case password(String)
        case notConfigured(String)
    }

    private let code: Code
    /// The option (`--tlp`) or argument (`permission`) at fault.
    let option: String?
    /// Its value as given.
    let value: String?
    /// The file at fault.
    let file: String?

    private init(_ code: Code, option: String? = nil, value: String? = nil, file: String? = nil) {
        self.code = code
        self.option = option
        self.value = value
        self.file = file
    }

    /// `invalid --tlp 'purple': use one of …`
    static func invalid(_ option: String, _ value: String, _ expected: String) -> CLIError {
        CLIError(.invalid(expected: expected), option: option, value: value)
    }

    static func unreadable(_ file: String, _ reason: String) -> CLIError { CLIError(.unreadable(reason: reason), file: file) }
    static func unwritable(_ file: String) -> CLIError { CLIError(.unwritable, file: file) }
    /// A password could not be read or confirmed; nothing was changed.
    static func password(_ problem: String) -> CLIError { CLIError(.password(problem)) }
    /// What the command needs is not configured (the message says which settings).
    static func notConfigured(_ problem: String) -> CLIError { CLIError(.notConfigured(problem)) }

    var description: String {
        switch code {
        case .invalid(let expected): "invalid \(option ?? "value") '\(value ?? "")': \(expected)"
        case .unreadable(let reason): "cannot read \(file ?? "the file"): \(reason)"
        case .unwritable: "cannot write \(file ?? "the file")"
        case .password(let problem), .notConfigured(let problem): problem
        }
    }
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
