import Foundation
import ThreatFeedCore

/// The safety policy the fake ETD's data set is written against: policy list files in a temporary directory, and the
/// same policy as a value for computing what a feed must hold (FakeETDExpectedFeed).
public enum FakeETDPolicy {
    /// Writes `policy/` under `dir`; returns its path and the policy the poller will read from it (with the data set's
    /// own domain and gateway address, passed to it as settings).
    public static func write(in dir: TemporaryDirectory) throws -> (path: String, policy: SafetyPolicy) {
        try FileManager.default.createDirectory(atPath: dir.file("policy"), withIntermediateDirectories: true)
        _ = try dir.write("policy/freemail-domains.txt", "# test list\ngmail.com\n")
        _ = try dir.write("policy/shared-hosting-domains.txt", "bit.ly\n")
        _ = try dir.write("policy/allowlist.txt", "# nothing\n")
        let policy = SafetyPolicy(
            ownDomains: try PolicyListParser.domains(from: FakeETDDataSet.ownDomain, file: "own"),
            gatewayRanges: try PolicyListParser.ranges(from: FakeETDDataSet.gatewayIP, file: "gateway"),
            freemailDomains: try PolicyListParser.domains(from: "gmail.com", file: "freemail"),
            sharedHostingDomains: try PolicyListParser.domains(from: "bit.ly", file: "shared")
        )
        return (dir.file("policy"), policy)
    }
}
