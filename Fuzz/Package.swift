// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets, one per parser of untrusted input. Built only by scripts/fuzz.sh, with
// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library` (see Fuzz/RESULTS.md).
//
// The library sources are the root package's own files, reached through symlinks under Sources/: a path
// dependency on the root package would resolve and build its whole graph (NIO, Hummingbird, BoringSSL) with the
// sanitizers, which does not fit the CI budget; parsers that live in those targets are pure files compiled here.
let package = Package(
    name: "ThreatFeedFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "ThreatFeedCore"),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "ThreatFeedXML", dependencies: ["CLibXML2"]),
        .target(name: "ThreatFeedFormats", dependencies: ["ThreatFeedCore", "ThreatFeedXML"]),
        // SwiftPM links an executable's `main` to `<Target>_main`: each target defines it and calls this driver.
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzTAXIIRequest", dependencies: ["FuzzDriver", "ThreatFeedFormats"]),
        .executableTarget(name: "FuzzTAXIITimestamp", dependencies: ["FuzzDriver", "ThreatFeedFormats"]),
        .executableTarget(name: "FuzzObservable", dependencies: ["FuzzDriver", "ThreatFeedCore"]),
        .executableTarget(name: "FuzzImport", dependencies: ["FuzzDriver", "ThreatFeedFormats"]),
        .executableTarget(name: "FuzzJSONLocator", dependencies: ["FuzzDriver", "ThreatFeedFormats"]),
        .executableTarget(name: "FuzzSettingValues", dependencies: ["FuzzDriver", "ThreatFeedCore"]),
        .executableTarget(name: "FuzzTAXII2Query", dependencies: ["FuzzDriver", "ThreatFeedFormats"]),
        // ThreatFeedETD, ThreatFeedActions, ThreatFeedMail and ThreatFeedServer pull in NIO; their parsers are
        // self-contained files, symlinked into these targets.
        .executableTarget(name: "FuzzETDSearchPage", dependencies: ["FuzzDriver"]),
        .executableTarget(name: "FuzzAsyncOSAnswers", dependencies: ["FuzzDriver"]),
        .executableTarget(name: "FuzzSMTPReply", dependencies: ["FuzzDriver"]),
        .executableTarget(name: "FuzzBasicAuth", dependencies: ["FuzzDriver"]),
        .executableTarget(name: "FuzzCTIAQuery", dependencies: ["FuzzDriver"]),
        .executableTarget(name: "FuzzAcceptEncoding", dependencies: ["FuzzDriver"]),
        // The configuration and feeds-as-code readers (ThreatFeedService, which pulls in everything): their files,
        // with the two ETD rule types they name as a small ThreatFeedETD of symlinks.
        .target(name: "ThreatFeedETD", dependencies: ["ThreatFeedCore"]),
        .executableTarget(
            name: "FuzzYAML",
            dependencies: [
                "FuzzDriver", "ThreatFeedCore", "ThreatFeedFormats", "ThreatFeedETD",
                .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
