import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedService

/// `threatfeed serve`: the HTTP server, stopped gracefully by SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the feeds over HTTP.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to listen on (env THREATFEED_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one, printed at start (env THREATFEED_PORT; default 8080).") var port: Int?
    @OptionGroup var address: PublicURLOption
    @OptionGroup var etd: ETDOptions
    @Flag(name: .customLong("allow-insecure-http"), help: "Allow plain HTTP on a non-loopback address (env THREATFEED_ALLOW_INSECURE_HTTP).")
    var allowInsecureHTTP = false
    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("PEM certificate chain (server first) for HTTPS (env THREATFEED_TLS_CERT).", valueName: "file")
    )
    var tlsCertificate: String?
    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("PEM private key for HTTPS, readable only by this user (env THREATFEED_TLS_KEY).", valueName: "file")
    )
    var tlsKey: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error (env THREATFEED_LOG_LEVEL; default info).") var logLevel: String?
    @Option(help: "Log format: text, logfmt or json (env THREATFEED_LOG_FORMAT).") var logFormat: String?
    @Option(
        name: .customLong("stix-id-namespace"),
        help: ArgumentHelp(
            "Namespace of the STIX ids we mint, PREFIX=URI, e.g. acme=https://acme.example/threatfeed (env THREATFEED_STIX_ID_NAMESPACE).",
            valueName: "prefix=uri"
        )
    )
    var stixIDNamespace: String?
    @Option(help: "Producer name in every STIX indicator (env THREATFEED_STIX_PRODUCER).") var stixProducer: String?

    func run() async throws {
        AllocatorArenas.limitForServer()
        TasksOnEventLoops.install()
        let settings = try global.settings()
        var flags: [SettingKey: String] = [:]
        flags[.host] = host
        flags[.port] = port.map(String.init)
        flags[.publicURL] = address.publicURL
        flags[.tlsCertificate] = tlsCertificate
        flags[.tlsKey] = tlsKey
        flags[.logLevel] = logLevel
        flags[.logFormat] = logFormat
        flags[.stixIDNamespace] = stixIDNamespace
        flags[.stixProducer] = stixProducer
        if allowInsecureHTTP { flags[.allowInsecureHTTP] = "true" }
        if let database = global.db { flags[.database] = database }
        try reportingErrors { try settings.validateAll(flags: flags) }
        let level = settings.string(.logLevel, flag: flags[.logLevel]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        let format = settings.string(.logFormat, flag: flags[.logFormat]).flatMap(StructuredLogHandler.Format.init(rawValue:)) ?? .text
        // Every format escapes control characters in every value (StructuredLogHandler), text included.
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, logLevel: level) }
        let options = ServiceOptions(flags: flags, policy: etd.overrides) { address in
            // One plain line on stdout, so scripts (and the README's quick start) can find the port.
            let line = "ThreatFeed listening on \(address.baseURL) (database \(address.databasePath))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let group = try await reportingErrors { try await buildService(settings: settings, options: options, logger: Logger(label: "threatfeed")) }
        try await group.run()
    }
}
