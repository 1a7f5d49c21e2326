import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import AsyncHTTPClient
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedFormats
import ThreatFeedMail
import ThreatFeedServer
import ThreatFeedStore

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
        func value(_ key: SettingKey) -> String? { settings.string(key, flag: flags[key]) }

        let host = value(.host) ?? "127.0.0.1"
        let port = value(.port).flatMap(Int.init) ?? 8080
        let level = value(.logLevel).flatMap(Logger.Level.init(rawValue:)) ?? .info
        let format = value(.logFormat).flatMap(StructuredLogHandler.Format.init(rawValue:)) ?? .text
        let tls = try reportingErrors { try Self.tlsFiles(certificate: value(.tlsCertificate), key: value(.tlsKey)) }
        if tls == nil, !Self.isLoopback(host), !Settings.isTrue(value(.allowInsecureHTTP)) {
            Terminal.error(
                "refusing plain HTTP on \(host): feed secrets would cross the network in clear; give --tls-cert and --tls-key, listen on 127.0.0.1 behind a TLS proxy, or pass --allow-insecure-http"
            )
            throw ExitCode.failure
        }
        // Every format escapes control characters in every value (StructuredLogHandler), text included.
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, logLevel: level) }
        let logger = Logger(label: "threatfeed")
        let store = try global.openStore()
        if let directory = value(.feedsDirectory) {
            // Feeds as code: the definitions are applied before the first request, and a bad file stops the start.
            let definitions = try reportingErrors { try FeedDefinitions.load(directory: directory) }
            let report = try reportingErrors { try store.writeNow { try FeedApplier.apply(definitions, with: $0) } }
            for change in report.changes { logger.notice("feeds: \(change)") }
            for note in report.notInFiles { logger.notice("feeds: \(note)") }
            logger.info("feeds: definitions applied", metadata: ["directory": "\(directory)", "changes": "\(report.changes.count)"])
        }
        let certificate = try tls.map { files in try reportingErrors { try ReloadableCertificate(files: files) } }
        if let certificate {
            logger.info("TLS certificate loaded", metadata: ["certificate": "\(certificate.files.certificateChain)", "not_valid_after": "\(certificate.notValidAfter)"])
        }
        var configuration = ServerConfiguration(host: host, port: port, publicURL: value(.publicURL), tls: certificate)
        // Every value was checked by validateAll above; the defaults live in SettingKey.
        func size(_ key: SettingKey) -> Int { value(key).flatMap { try? ByteCount(parsing: $0).bytes } ?? 0 }
        func duration(_ key: SettingKey) -> Duration? {
            value(key).flatMap { try? TimeSpan(parsing: $0) }.map { .milliseconds(Int64($0.seconds * 1_000)) }
        }
        configuration.taxiiMaxRequestBytes = size(.maxRequestBody)
        configuration.maxHeaderBytes = size(.maxHeaderSize)
        configuration.maxConnections = value(.maxConnections).flatMap(Int.init) ?? configuration.maxConnections
        configuration.idleTimeout = duration(.idleTimeout) ?? configuration.idleTimeout
        configuration.requestTimeout = duration(.requestTimeout) ?? configuration.requestTimeout
        // Tokens come from the environment or the file only: on the command line every local user could read them in `ps`.
        configuration.adminToken = value(.adminToken)
        configuration.metricsToken = value(.metricsToken)
        if let text = value(.stixIDNamespace) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            configuration.stixIDNamespace = try reportingErrors { try STIXIDNamespace(prefix: parts[0], uri: parts[1]) }
        }
        configuration.stixProducer = value(.stixProducer) ?? "ThreatFeed"
        // ETD polling runs only when its credentials are configured; a broken ETD setup stops start-up with the reason.
        let etdConfiguration = try reportingErrors { try etd.configuration(settings) }
        var etdService: ETDPollService?
        if let etdConfiguration {
            let poller = try reportingErrors {
                try etd.poller(store: store, configuration: etdConfiguration, settings: settings, logger: Logger(label: "threatfeed.etd"))
            }
            etdService = ETDPollService(
                poller: poller, interval: etdConfiguration.pollInterval.seconds, clock: SystemETDClock(), logger: logger
            )
            configuration.etdPollingEnabled = true
        }
        // SMA remediation runs only when enabled; incomplete settings stop start-up naming the key.
        let remediationConfiguration = try reportingErrors { try RemediationOptions.configuration(settings) }
        var remediationService: RemediationService?
        var ownedHTTPClient: HTTPClient?
        var blocklistHTTPClient: HTTPClient?
        if let remediationConfiguration {
            let remediationLogger = Logger(label: "threatfeed.remediation")
            let (httpClient, owned) = try reportingErrors { try RemediationOptions.httpClient(remediationConfiguration) }
            if owned { ownedHTTPClient = httpClient }
            let session = AsyncOSSession(
                baseURL: remediationConfiguration.smaURL, prefix: AsyncOSSession.smaPrefix, credentials: remediationConfiguration.credentials,
                httpClient: httpClient, timeoutSeconds: remediationConfiguration.requestTimeout.seconds, logger: remediationLogger
            )
            let runner = RemediationRunner(
                configuration: remediationConfiguration, ledger: store,
                client: remediationConfiguration.dryRun ? nil : SMARemediationClient(session: session), clock: SystemActionClock(),
                logger: remediationLogger
            )
            // Recorded before the ETD poller's first commit, so the convictions of this first poll are queued;
            // convictions processed before remediation was first enabled never are.
            _ = try reportingErrors { try store.writeNow { try $0.markRemediationEnabled(at: Date()) } }
            if remediationConfiguration.smaURL.hasPrefix("http://"), !Self.isLoopback(URLComponents(string: remediationConfiguration.smaURL)?.host ?? "") {
                logger.warning("remediation.sma_url is plain HTTP: the SMA passphrase and token cross the network in clear")
            }
            if etdConfiguration == nil {
                logger.notice("remediation is enabled but ETD is not configured here: only convictions stored by `etd poll` are remediated")
            }
            let trigger = RemediationTrigger()
            etdService?.afterCycle = trigger
            remediationService = RemediationService(runner: runner, trigger: trigger)
            configuration.remediationEnabled = true
            configuration.remediationDryRun = remediationConfiguration.dryRun
        }
        // Notifications run only when enabled; incomplete settings stop start-up naming the key.
        let notificationService = try reportingErrors { try NotificationOptions.service(settings, store: store, pollActivity: etdService?.activity) }
        configuration.notificationsEnabled = notificationService != nil
        // Gateway blocklist sync: only when enabled; incomplete settings stop start-up naming the key.
        var blocklistService: BlocklistSyncService?
        if BlocklistOptions.isEnabled(settings) {
            let blocklistConfiguration = try reportingErrors { try BlocklistOptions.configuration(settings) }
            let (runner, owned) = try reportingErrors {
                try BlocklistOptions.runner(blocklistConfiguration, store: store, logger: Logger(label: "threatfeed.blocklist"))
            }
            if let owned { blocklistHTTPClient = owned }
            blocklistService = BlocklistSyncService(runner: runner, interval: blocklistConfiguration.interval.seconds)
            configuration.blocklistEnabled = true
            configuration.blocklistDryRun = blocklistConfiguration.dryRun
            configuration.blocklistList = blocklistConfiguration.list
        }
        let scheme = tls == nil ? "http" : "https"
        let drain = DrainState()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let app = try reportingErrors {
            try buildApplication(store: store, configuration: configuration, logger: logger, drain: drain, onServerRunning: { boundPort in
                // One plain line on stdout, so scripts (and the README's quick start) can find the port.
                let line = "ThreatFeed listening on \(scheme)://\(Self.isIPv6(host) ? "[\(host)]" : host):\(boundPort) (database \(store.path))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            })
        }
        let retention = try reportingErrors { try Retention.period(nil, settings: settings) }
        // Stopped in reverse order: draining starts first, the HTTP server (finishing in-flight answers) last.
        var services: [any Service] = [app, RetentionService(store: store, retention: retention, logger: logger)]
        if let etdService { services.append(etdService) }
        if let remediationService { services.append(remediationService) }
        if let notificationService { services.append(notificationService) }
        if let blocklistService { services.append(blocklistService) }
        services.append(CertificateReloadService(certificate: certificate, signals: hangups, logger: logger))
        services.append(DrainService(drain: drain, delay: duration(.drainDelay), logger: logger))
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            try? await ownedHTTPClient?.shutdown()
            try? await blocklistHTTPClient?.shutdown()
            throw error
        }
        try? await ownedHTTPClient?.shutdown()
        try? await blocklistHTTPClient?.shutdown()
    }

    /// Both files or neither; a key every local user can read (or a group can change) is refused. Group read is
    /// allowed so that root can own the key and the service's group read it (deploy/install.sh does this).
    static func tlsFiles(certificate: String?, key: String?) throws -> TLSFiles? {
        switch (certificate, key) {
        case (nil, nil): return nil
        case (nil, _): throw CLIError("--tls-key needs --tls-cert")
        case (_, nil): throw CLIError("--tls-cert needs --tls-key")
        case (let certificate?, let key?):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: key) else {
                throw CLIError("cannot read the TLS private key \(key): no such file or no permission")
            }
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0
            if mode & 0o027 != 0 {
                throw CLIError("the TLS private key \(key) is readable by others (mode \(String(mode, radix: 8))); chmod 600 (or 640 with the service's group) it")
            }
            return TLSFiles(certificateChain: certificate, privateKey: key)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func isIPv6(_ host: String) -> Bool { host.contains(":") }
}
