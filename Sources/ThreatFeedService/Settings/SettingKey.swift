import Foundation

/// Every setting ThreatFeed reads, with its name in the configuration file and in the environment.
/// Precedence: command-line flag > environment > configuration file > default.
public struct SettingKey: Hashable, Sendable {
    public enum Kind: Sendable {
        case text, port, bool, duration, url, logLevel, logFormat, namespace, path, size, count
    }

    /// Dotted path in the YAML file, e.g. `server.port`.
    public let key: String
    public let environment: String
    public let kind: Kind
    public let defaultValue: String?
    /// Printed masked by `config check`; never logged.
    public let secret: Bool

    init(_ key: String, _ environment: String, _ kind: Kind, default defaultValue: String? = nil, secret: Bool = false) {
        self.key = key
        self.environment = environment
        self.kind = kind
        self.defaultValue = defaultValue
        self.secret = secret
    }
}

// Every key, public: the CLI prints and resolves them.
public extension SettingKey {
    static let host = SettingKey("server.host", "THREATFEED_HOST", .text, default: "127.0.0.1")
    static let port = SettingKey("server.port", "THREATFEED_PORT", .port, default: "8080")
    static let publicURL = SettingKey("server.public_url", "THREATFEED_PUBLIC_URL", .url)
    static let allowInsecureHTTP = SettingKey("server.allow_insecure_http", "THREATFEED_ALLOW_INSECURE_HTTP", .bool, default: "false")
    /// Keep answering (with /health/ready at 503) this long after SIGTERM before closing the listener, so a load
    /// balancer sees the drain before connections are refused. Unset: close at once.
    static let drainDelay = SettingKey("server.drain_delay", "THREATFEED_DRAIN_DELAY", .duration)
    static let maxRequestBody = SettingKey("limits.max_request_body", "THREATFEED_MAX_REQUEST_BODY", .size, default: "1MiB")
    static let maxHeaderSize = SettingKey("limits.max_header_size", "THREATFEED_MAX_HEADER_SIZE", .size, default: "32KiB")
    static let maxConnections = SettingKey("limits.max_connections", "THREATFEED_MAX_CONNECTIONS", .count, default: "1000")
    /// The most objects a TAXII 2.1 page holds (a client's larger `limit` is lowered to it); at most 10,000.
    static let taxii2MaxPageSize = SettingKey("limits.taxii2_max_page_size", "THREATFEED_TAXII2_MAX_PAGE_SIZE", .count, default: "1000")
    static let idleTimeout = SettingKey("limits.idle_timeout", "THREATFEED_IDLE_TIMEOUT", .duration, default: "60s")
    static let requestTimeout = SettingKey("limits.request_timeout", "THREATFEED_REQUEST_TIMEOUT", .duration, default: "30s")
    static let tlsCertificate = SettingKey("tls.certificate", "THREATFEED_TLS_CERT", .path)
    static let tlsKey = SettingKey("tls.key", "THREATFEED_TLS_KEY", .path)
    static let database = SettingKey("database.path", "THREATFEED_DB", .path, default: "./data/threatfeed.sqlite")
    static let logLevel = SettingKey("log.level", "THREATFEED_LOG_LEVEL", .logLevel, default: "info")
    static let logFormat = SettingKey("log.format", "THREATFEED_LOG_FORMAT", .logFormat, default: "text")
    static let retention = SettingKey("retention.period", "THREATFEED_RETENTION", .duration, default: "30d")
    static let importValidFor = SettingKey("import.valid_for", "THREATFEED_IMPORT_VALID_FOR", .duration, default: "30d")
    static let stixIDNamespace = SettingKey("stix.id_namespace", "THREATFEED_STIX_ID_NAMESPACE", .namespace, default: "threatfeed=urn:threatfeed:stix")
    static let stixProducer = SettingKey("stix.producer", "THREATFEED_STIX_PRODUCER", .text, default: "ThreatFeed")
    static let feedsDirectory = SettingKey("feeds.directory", "THREATFEED_FEEDS_DIR", .path)
    static let adminToken = SettingKey("security.admin_token", "THREATFEED_ADMIN_TOKEN", .text, secret: true)
    static let metricsToken = SettingKey("security.metrics_token", "THREATFEED_METRICS_TOKEN", .text, secret: true)

    // Email Threat Defense: the connection (polling is on when these are set) and the poller's tuning.
    static let etdRegion = SettingKey("etd.region", "THREATFEED_ETD_REGION", .text)
    static let etdBaseURL = SettingKey("etd.base_url", "THREATFEED_ETD_BASE_URL", .text)
    static let etdClientID = SettingKey("etd.client_id", "THREATFEED_ETD_CLIENT_ID", .text)
    static let etdClientSecret = SettingKey("etd.client_secret", "THREATFEED_ETD_CLIENT_SECRET", .text, secret: true)
    static let etdAPIKey = SettingKey("etd.api_key", "THREATFEED_ETD_API_KEY", .text, secret: true)
    static let etdPollInterval = SettingKey("etd.poll_interval", "THREATFEED_ETD_POLL_INTERVAL", .duration, default: "5m")
    static let etdSettleDelay = SettingKey("etd.settle_delay", "THREATFEED_ETD_SETTLE_DELAY", .duration, default: "5m")
    static let etdLookBack = SettingKey("etd.look_back", "THREATFEED_ETD_LOOK_BACK", .duration, default: "48h")
    static let etdMaxPagesPerCycle = SettingKey("etd.max_pages_per_cycle", "THREATFEED_ETD_MAX_PAGES_PER_CYCLE", .count, default: "1000")
    static let etdCycleDeadline = SettingKey("etd.cycle_deadline", "THREATFEED_ETD_CYCLE_DEADLINE", .duration, default: "30m")
    static let etdVerdicts = SettingKey("etd.verdicts", "THREATFEED_ETD_VERDICTS", .text, default: "bec,scam,phishing,malicious")
    static let etdTechniques = SettingKey("etd.techniques", "THREATFEED_ETD_TECHNIQUES", .text)
    static let etdMailboxes = SettingKey("etd.mailboxes", "THREATFEED_ETD_MAILBOXES", .text)
    static let etdIndicator = SettingKey("etd.indicator", "THREATFEED_ETD_INDICATOR", .text, default: "etd-convictions")
    static let etdValidForIP = SettingKey("etd.valid_for_sender_ip", "THREATFEED_ETD_VALID_FOR_SENDER_IP", .duration, default: "7d")
    static let etdValidForDomain = SettingKey("etd.valid_for_sender_domain", "THREATFEED_ETD_VALID_FOR_SENDER_DOMAIN", .duration, default: "30d")
    static let etdValidForURL = SettingKey("etd.valid_for_url", "THREATFEED_ETD_VALID_FOR_URL", .duration, default: "30d")
    static let etdValidForHash = SettingKey("etd.valid_for_attachment_sha256", "THREATFEED_ETD_VALID_FOR_ATTACHMENT_SHA256", .duration, default: "180d")
    static let policyDirectory = SettingKey("policy.directory", "THREATFEED_POLICY_DIR", .path, default: "./feeds/policy")
    static let policyOwnDomains = SettingKey("policy.own_domains", "THREATFEED_OWN_DOMAINS", .text)
    static let policyGatewayIPs = SettingKey("policy.gateway_ips", "THREATFEED_GATEWAY_IPS", .text)

    // SMA search-and-remediate of ETD convictions: off unless enabled.
    static let remediationEnabled = SettingKey("remediation.enabled", "THREATFEED_REMEDIATION_ENABLED", .bool, default: "false")
    static let remediationSMAURL = SettingKey("remediation.sma_url", "THREATFEED_REMEDIATION_SMA_URL", .url)
    static let remediationUsername = SettingKey("remediation.username", "THREATFEED_REMEDIATION_USERNAME", .text)
    static let remediationPassword = SettingKey("remediation.password", "THREATFEED_REMEDIATION_PASSWORD", .text, secret: true)
    static let remediationAction = SettingKey("remediation.action", "THREATFEED_REMEDIATION_ACTION", .text, default: "fwdDelete")
    static let remediationForwardTo = SettingKey("remediation.forward_to", "THREATFEED_REMEDIATION_FORWARD_TO", .text)
    static let remediationVerdicts = SettingKey("remediation.verdicts", "THREATFEED_REMEDIATION_VERDICTS", .text, default: "bec,scam,phishing,malicious")
    static let remediationDryRun = SettingKey("remediation.dry_run", "THREATFEED_REMEDIATION_DRY_RUN", .bool, default: "false")
    static let remediationCAFile = SettingKey("remediation.ca_file", "THREATFEED_REMEDIATION_CA_FILE", .path)

    // Administrator notifications about convictions, by e-mail.
    static let notificationsEnabled = SettingKey("notifications.enabled", "THREATFEED_NOTIFICATIONS_ENABLED", .bool, default: "false")
    static let notificationsSMTPHost = SettingKey("notifications.smtp_host", "THREATFEED_NOTIFICATIONS_SMTP_HOST", .text)
    static let notificationsSMTPPort = SettingKey("notifications.smtp_port", "THREATFEED_NOTIFICATIONS_SMTP_PORT", .port, default: "587")
    static let notificationsTLS = SettingKey("notifications.tls", "THREATFEED_NOTIFICATIONS_TLS", .text, default: "required")
    static let notificationsCAFile = SettingKey("notifications.ca_file", "THREATFEED_NOTIFICATIONS_CA_FILE", .path)
    static let notificationsUsername = SettingKey("notifications.username", "THREATFEED_NOTIFICATIONS_USERNAME", .text)
    static let notificationsPassword = SettingKey("notifications.password", "THREATFEED_NOTIFICATIONS_PASSWORD", .text, secret: true)
    static let notificationsFrom = SettingKey("notifications.from", "THREATFEED_NOTIFICATIONS_FROM", .text)
    static let notificationsTo = SettingKey("notifications.to", "THREATFEED_NOTIFICATIONS_TO", .text)
    static let notificationsMailboxes = SettingKey("notifications.mailboxes", "THREATFEED_NOTIFICATIONS_MAILBOXES", .text)
    static let notificationsVerdicts = SettingKey("notifications.verdicts", "THREATFEED_NOTIFICATIONS_VERDICTS", .text)
    static let notificationsTechniques = SettingKey("notifications.techniques", "THREATFEED_NOTIFICATIONS_TECHNIQUES", .text)
    static let notificationsInterval = SettingKey("notifications.interval", "THREATFEED_NOTIFICATIONS_INTERVAL", .duration, default: "5m")
    static let notificationsDryRun = SettingKey("notifications.dry_run", "THREATFEED_NOTIFICATIONS_DRY_RUN", .bool, default: "false")

    // Gateway spam-quarantine blocklist (or safelist) sync of an indicator's sender values: off unless enabled.
    static let blocklistEnabled = SettingKey("blocklist.enabled", "THREATFEED_BLOCKLIST_ENABLED", .bool, default: "false")
    static let blocklistURL = SettingKey("blocklist.url", "THREATFEED_BLOCKLIST_URL", .url)
    static let blocklistAppliance = SettingKey("blocklist.appliance", "THREATFEED_BLOCKLIST_APPLIANCE", .text, default: "esa")
    static let blocklistUsername = SettingKey("blocklist.username", "THREATFEED_BLOCKLIST_USERNAME", .text)
    static let blocklistPassword = SettingKey("blocklist.password", "THREATFEED_BLOCKLIST_PASSWORD", .text, secret: true)
    static let blocklistCAFile = SettingKey("blocklist.ca_file", "THREATFEED_BLOCKLIST_CA_FILE", .path)
    static let blocklistList = SettingKey("blocklist.list", "THREATFEED_BLOCKLIST_LIST", .text, default: "blocklist")
    static let blocklistIndicator = SettingKey("blocklist.indicator", "THREATFEED_BLOCKLIST_INDICATOR", .text)
    static let blocklistRecipients = SettingKey("blocklist.recipients", "THREATFEED_BLOCKLIST_RECIPIENTS", .text)
    static let blocklistMaxPerRun = SettingKey("blocklist.max_per_run", "THREATFEED_BLOCKLIST_MAX_PER_RUN", .count, default: "100")
    static let blocklistMaxEntries = SettingKey("blocklist.max_entries", "THREATFEED_BLOCKLIST_MAX_ENTRIES", .count, default: "500")
    static let blocklistInterval = SettingKey("blocklist.interval", "THREATFEED_BLOCKLIST_INTERVAL", .duration, default: "15m")
    static let blocklistDryRun = SettingKey("blocklist.dry_run", "THREATFEED_BLOCKLIST_DRY_RUN", .bool, default: "false")
    // Cisco XDR relay module under /xdr/: on when a key is set.
    static let xdrKey = SettingKey("xdr.key", "THREATFEED_XDR_KEY", .text, secret: true)
    static let xdrMaxObservables = SettingKey("xdr.max_observables", "THREATFEED_XDR_MAX_OBSERVABLES", .count, default: "100")

    static let blocklistKeys: [SettingKey] = [
        blocklistEnabled, blocklistURL, blocklistAppliance, blocklistUsername, blocklistPassword, blocklistCAFile, blocklistList,
        blocklistIndicator, blocklistRecipients, blocklistMaxPerRun, blocklistMaxEntries, blocklistInterval, blocklistDryRun,
    ]

    static let all: [SettingKey] = [
        host, port, publicURL, allowInsecureHTTP, drainDelay, maxRequestBody, maxHeaderSize, maxConnections, taxii2MaxPageSize, idleTimeout,
        requestTimeout, tlsCertificate, tlsKey, database, logLevel, logFormat, retention,
        importValidFor, stixIDNamespace, stixProducer, feedsDirectory, adminToken, metricsToken,
        etdRegion, etdBaseURL, etdClientID, etdClientSecret, etdAPIKey, etdPollInterval, etdSettleDelay, etdLookBack,
        etdMaxPagesPerCycle, etdCycleDeadline,
        etdVerdicts, etdTechniques, etdMailboxes, etdIndicator, etdValidForIP, etdValidForDomain, etdValidForURL, etdValidForHash,
        policyDirectory, policyOwnDomains, policyGatewayIPs,
        remediationEnabled, remediationSMAURL, remediationUsername, remediationPassword, remediationAction, remediationForwardTo,
        remediationVerdicts, remediationDryRun, remediationCAFile,
        notificationsEnabled, notificationsSMTPHost, notificationsSMTPPort, notificationsTLS, notificationsCAFile, notificationsUsername,
        notificationsPassword, notificationsFrom, notificationsTo, notificationsMailboxes, notificationsVerdicts, notificationsTechniques,
        notificationsInterval, notificationsDryRun, xdrKey, xdrMaxObservables,
    ] + blocklistKeys

    static func named(_ key: String) -> SettingKey? { all.first { $0.key == key } }
}
