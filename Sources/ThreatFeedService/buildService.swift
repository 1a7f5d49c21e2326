import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedFormats
import ThreatFeedMail
import ThreatFeedServer
import ThreatFeedStore
import UnixSignals

/// Builds the whole running system from the settings: the HTTP application, the ETD poller, the actions on
/// convictions (remediation, notifications, blocklist sync), retention, the drain on shutdown and the certificate
/// reload on SIGHUP, as one `ServiceGroup`. `threatfeed serve` runs it; tests build it in-process with their own
/// clocks and fakes. A setting that cannot be used stops the build with an error naming it; nothing listens then.
public func buildService(settings: Settings, options: ServiceOptions = ServiceOptions(), logger: Logger) async throws -> ServiceGroup {
    let flags = options.flags
    try settings.validateAll(flags: flags)
    func value(_ key: SettingKey) -> String? { settings.string(key, flag: flags[key]) }

    let host = value(.host) ?? "127.0.0.1"
    let port = value(.port).flatMap(Int.init) ?? 8080
    let tls = try TLSFileCheck.files(certificate: value(.tlsCertificate), key: value(.tlsKey))
    if tls == nil, !TLSFileCheck.isLoopback(host), !Settings.isTrue(value(.allowInsecureHTTP)) {
        throw ConfigurationError.combination(
            "refusing plain HTTP on \(host): feed secrets would cross the network in clear; give --tls-cert and --tls-key, listen on 127.0.0.1 behind a TLS proxy, or pass --allow-insecure-http"
        )
    }
    let store = try Store(path: value(.database) ?? "./data/threatfeed.sqlite")
    if let directory = value(.feedsDirectory) {
        // Feeds as code: the definitions are applied before the first request, and a bad file stops the start.
        let definitions = try FeedDefinitions.load(directory: directory)
        let report = try store.writeNow { try FeedApplier.apply(definitions, with: $0) }
        for change in report.changes { logger.notice("feeds: \(change)") }
        for note in report.notInFiles { logger.notice("feeds: \(note)") }
        logger.info("feeds: definitions applied", metadata: ["directory": "\(directory)", "changes": "\(report.changes.count)"])
    }
    let certificate = try tls.map { files in try ReloadableCertificate(files: files) }
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
    configuration.taxii2MaxPageSize = min(value(.taxii2MaxPageSize).flatMap(Int.init) ?? configuration.taxii2MaxPageSize, 10_000)
    configuration.idleTimeout = duration(.idleTimeout) ?? configuration.idleTimeout
    configuration.requestTimeout = duration(.requestTimeout) ?? configuration.requestTimeout
    // Tokens come from the environment or the file only: on the command line every local user could read them in `ps`.
    configuration.adminToken = value(.adminToken)
    configuration.metricsToken = value(.metricsToken)
    if let text = value(.stixIDNamespace) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        configuration.stixIDNamespace = try STIXIDNamespace(prefix: parts[0], uri: parts[1])
    }
    configuration.stixProducer = value(.stixProducer) ?? "ThreatFeed"
    configuration.xdr = try XDROptions.configuration(key: value(.xdrKey), maxObservables: value(.xdrMaxObservables))
    // ETD polling runs only when its credentials are configured; a broken ETD setup stops start-up with the reason.
    let etdConfiguration = try ETDSettings.configuration(settings)
    var etdService: ETDPollService?
    // The actions start on one signal: the poller raises each committed conviction page and each cycle's end.
    let signal: ConvictionSignal? = etdConfiguration == nil ? nil : ConvictionSignal(cycleRunning: true)
    if let etdConfiguration, let signal {
        let poller = try ETDSettings.poller(
            ledger: SignallingConvictionLedger(base: store, signal: signal), configuration: etdConfiguration, settings: settings,
            overrides: options.policy, clock: options.etdClock, logger: Logger(label: "threatfeed.etd")
        )
        etdService = ETDPollService(
            poller: poller, interval: etdConfiguration.pollInterval.seconds, clock: options.etdClock, logger: logger, signal: signal
        )
        configuration.etdPollingEnabled = true
    }
    // Services that own an outbound HTTP client shut it down after every other service has stopped (see below).
    var ownedClients: [HTTPClient] = []
    // SMA remediation runs only when enabled; incomplete settings stop start-up naming the key.
    let remediationConfiguration = try RemediationOptions.configuration(settings)
    var remediationService: RemediationService?
    if let remediationConfiguration {
        let remediationLogger = Logger(label: "threatfeed.remediation")
        let (httpClient, owned) = try RemediationOptions.httpClient(remediationConfiguration)
        if owned { ownedClients.append(httpClient) }
        let session = AsyncOSSession(
            baseURL: remediationConfiguration.smaURL, prefix: AsyncOSSession.smaPrefix, credentials: remediationConfiguration.credentials,
            httpClient: httpClient, timeoutSeconds: remediationConfiguration.requestTimeout.seconds, logger: remediationLogger
        )
        let runner = RemediationRunner(
            configuration: remediationConfiguration, ledger: store,
            client: remediationConfiguration.dryRun ? nil : SMARemediationClient(session: session), clock: options.actionClock,
            logger: remediationLogger
        )
        // Recorded before the ETD poller's first commit, so the convictions of this first poll are queued;
        // convictions processed before remediation was first enabled never are.
        _ = try store.writeNow { try $0.markRemediationEnabled(at: options.actionClock.now()) }
        if remediationConfiguration.smaURL.hasPrefix("http://"), !TLSFileCheck.isLoopback(URLComponents(string: remediationConfiguration.smaURL)?.host ?? "") {
            logger.warning("remediation.sma_url is plain HTTP: the SMA passphrase and token cross the network in clear")
        }
        if etdConfiguration == nil {
            logger.notice("remediation is enabled but ETD is not configured here: only convictions stored by `etd poll` are remediated")
        }
        remediationService = RemediationService(runner: runner, wakeUp: signal?.waiter(for: [.pageCommitted]))
        configuration.remediationEnabled = true
        configuration.remediationDryRun = remediationConfiguration.dryRun
    }
    // Notifications run only when enabled; incomplete settings stop start-up naming the key.
    let notificationService = try NotificationOptions.service(
        settings, ledger: store, clock: options.actionClock, signal: signal
    )
    configuration.notificationsEnabled = notificationService != nil
    // Gateway blocklist sync: only when enabled; incomplete settings stop start-up naming the key.
    var blocklistService: BlocklistSyncService?
    if BlocklistOptions.isEnabled(settings) {
        let blocklistConfiguration = try BlocklistOptions.configuration(settings)
        let (runner, owned) = try BlocklistOptions.runner(blocklistConfiguration, store: store, logger: Logger(label: "threatfeed.blocklist"))
        if let owned { ownedClients.append(owned) }
        blocklistService = BlocklistSyncService(
            runner: runner, interval: blocklistConfiguration.interval.seconds, clock: options.actionClock,
            wakeUp: signal?.waiter(for: [.cycleEnded])
        )
        configuration.blocklistEnabled = true
        configuration.blocklistDryRun = blocklistConfiguration.dryRun
        configuration.blocklistList = blocklistConfiguration.list
    }
    let address = ServiceAddress(
        scheme: tls == nil ? "http" : "https", host: host, port: port, databasePath: store.path
    )
    let drain = DrainState()
    let hangups = await UnixSignalsSequence(trapping: .sighup)
    let onServerRunning = options.onServerRunning
    let app = try buildApplication(store: store, configuration: configuration, logger: logger, drain: drain, onServerRunning: { boundPort in
        var bound = address
        bound.port = boundPort
        await onServerRunning(bound)
    })
    let retention = try Retention.period(nil, settings: settings)
    // Stopped in reverse order: draining starts first, the HTTP server (finishing in-flight answers) last, and the
    // owned HTTP clients after everything that uses them.
    var services: [any Service] = ownedClients.map { HTTPClientShutdownService(client: $0) }
    services += [app, RetentionService(store: store, retention: retention, logger: logger, clock: options.actionClock)]
    if let etdService { services.append(etdService) }
    if let remediationService { services.append(remediationService) }
    if let notificationService { services.append(notificationService) }
    if let blocklistService { services.append(blocklistService) }
    services.append(CertificateReloadService(certificate: certificate, signals: hangups, logger: logger))
    services.append(DrainService(drain: drain, delay: duration(.drainDelay), logger: logger))
    return ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: options.gracefulShutdownSignals, logger: logger)
    )
}
