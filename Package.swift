// swift-tools-version:6.2
import PackageDescription

// Same hygiene as Hummingbird's own manifest: explicit `any`, imports that say what they use.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ThreatFeed",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "threatfeed", targets: ["threatfeed"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // gzip for the feed view and large TAXII answers: a thin wrapper over the system zlib.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // The domain: observables, judgements, feeds, labels, validation. No I/O, no dependencies.
        .target(name: "ThreatFeedCore", swiftSettings: swiftSettings),
        // SQLite through GRDB: schema, migrations and queries named for what they mean.
        .target(
            name: "ThreatFeedStore",
            dependencies: [
                "ThreatFeedCore", .product(name: "GRDB", package: "GRDB.swift"),
                // the C API, for the import's reused statements (RawStatement)
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The system libxml2 (headers from libxml2-dev), seen only through ThreatFeedXML.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // glibc's malloc.h (mallopt), for the server's allocator arenas (AllocatorArenas).
        .systemLibrary(name: "CMalloc"),
        // Untrusted XML in (libxml2 with no DTDs, no entities, no network, bounded) and escaping XML out.
        .target(name: "ThreatFeedXML", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        // Wire formats in and out (CTIA JSON/text, TAXII 1.1, STIX 1.x, import files). Knows no storage.
        .target(
            name: "ThreatFeedFormats",
            dependencies: ["ThreatFeedCore", "ThreatFeedXML"],
            swiftSettings: swiftSettings
        ),
        // HTTP routes, health, feed view cache.
        .target(
            name: "ThreatFeedServer",
            dependencies: [
                "ThreatFeedCore", "ThreatFeedStore", "ThreatFeedFormats",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // ETD client, conviction → judgement rules, poller. Writes through ConvictionLedger (Core), so no SQLite here.
        .target(
            name: "ThreatFeedETD",
            dependencies: [
                "ThreatFeedCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Actions on convictions (SMA search-and-remediate). Writes through RemediationLedger (Core), so no SQLite here.
        .target(
            name: "ThreatFeedActions",
            dependencies: [
                "ThreatFeedCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Administrator notifications: SMTP client (SwiftNIO, STARTTLS, AUTH), filter, composer. Knows no storage.
        .target(
            name: "ThreatFeedMail",
            dependencies: [
                "ThreatFeedCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The composition root: settings (flags, environment, configuration file, feeds files) and the whole running
        // system built from them as one ServiceGroup (buildService); the importer and feeds-as-code reconciliation.
        .target(
            name: "ThreatFeedService",
            dependencies: [
                "ThreatFeedCore", "ThreatFeedStore", "ThreatFeedFormats", "ThreatFeedServer", "ThreatFeedETD", "ThreatFeedActions", "ThreatFeedMail", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: argument parsing, prompts and printing only.
        .executableTarget(
            name: "threatfeed",
            dependencies: [
                "ThreatFeedCore", "ThreatFeedStore", "ThreatFeedFormats", "ThreatFeedServer", "ThreatFeedETD", "ThreatFeedActions", "ThreatFeedMail",
                "ThreatFeedService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Safety-policy decisions per second (Benchmarks/RESULTS.md); built only when asked for, never by the tests.
        .executableTarget(
            name: "threatfeed-policy-bench", dependencies: ["ThreatFeedCore"], path: "Benchmarks/PolicyBenchmark", swiftSettings: swiftSettings
        ),
        // Test support shared by the test targets (temporary stores, the CLI runner). Not a product.
        .target(
            name: "ThreatFeedTesting",
            dependencies: [
                "ThreatFeedCore", "ThreatFeedStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/ThreatFeedTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ThreatFeedCoreTests", dependencies: ["ThreatFeedCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ThreatFeedStoreTests",
            dependencies: ["ThreatFeedStore", "ThreatFeedTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedFormatsTests",
            dependencies: ["ThreatFeedFormats", "ThreatFeedXML"],
            // Read from the source tree by path (#filePath), not bundled.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedServerTests",
            dependencies: [
                "ThreatFeedServer", "ThreatFeedTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedETDTests",
            dependencies: [
                "ThreatFeedETD", "ThreatFeedStore", "ThreatFeedServer", "ThreatFeedTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            // Copies of shared/fixtures/etd, read from the source tree by path (#filePath), not bundled.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedActionsTests",
            dependencies: [
                "ThreatFeedActions", "ThreatFeedStore", "ThreatFeedTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedMailTests",
            dependencies: ["ThreatFeedMail", "ThreatFeedCore", "ThreatFeedTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ThreatFeedServiceTests",
            dependencies: [
                "ThreatFeedService", "ThreatFeedTesting", "ThreatFeedCore", "ThreatFeedStore", "ThreatFeedActions",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "threatfeedTests",
            dependencies: [
                "threatfeed", "ThreatFeedTesting", "ThreatFeedCore", "ThreatFeedStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
