import Foundation
import ThreatFeedCore

/// Reads the safety policy's lists from `feeds/policy/` plus the configured own domains and
/// gateway addresses. Missing list files are empty lists: a fresh install without them still
/// refuses own, gateway and reserved addresses.
public enum PolicyFiles {
    public static let freemail = "freemail-domains.txt"
    public static let sharedHosting = "shared-hosting-domains.txt"
    public static let allowlist = "allowlist.txt"
    /// Every `*.txt` in this subdirectory is a provider's published sending ranges.
    public static let providerRanges = "provider-ranges"

    public static func load(
        directory: String, ownDomains: [String] = [], gatewayAddresses: [String] = []
    ) throws(PolicyListError) -> SafetyPolicy {
        var policy = SafetyPolicy()
        policy.freemailDomains = try PolicyListParser.domains(from: try read(directory, freemail), file: path(directory, freemail))
        policy.sharedHostingDomains = try PolicyListParser.domains(
            from: try read(directory, sharedHosting), file: path(directory, sharedHosting)
        )
        policy.allowlist = try PolicyListParser.allowlist(from: try read(directory, allowlist), file: path(directory, allowlist))
        policy.providerRanges = try loadProviderRanges(directory: path(directory, providerRanges))
        policy.ownDomains = try PolicyListParser.domains(from: ownDomains.joined(separator: "\n"), file: "own domains")
        policy.gatewayRanges = try PolicyListParser.ranges(from: gatewayAddresses.joined(separator: "\n"), file: "gateway addresses")
        return policy
    }

    /// The provider range files, in name order (so a bad line is always reported the same way).
    /// A missing directory is no ranges; the free-mail sender rule still applies.
    static func loadProviderRanges(directory: String) throws(PolicyListError) -> AddressIntervalSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return AddressIntervalSet() }
        guard isDirectory.boolValue else {
            throw PolicyListError(file: directory, line: 0, problem: "is not a directory (provider range files go inside it)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".txt") }.sorted()
        } catch {
            throw PolicyListError(file: directory, line: 0, problem: "cannot list: \((error as NSError).localizedDescription)")
        }
        var ranges: [IPRange] = []
        for name in names {
            ranges += try PolicyListParser.providerRanges(from: try read(directory, name), file: path(directory, name))
        }
        return AddressIntervalSet(ranges)
    }

    private static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// A missing file is an empty list; one that exists but cannot be read is an error, since a
    /// silently empty allowlist would publish what the operator meant to keep out.
    private static func read(_ directory: String, _ name: String) throws(PolicyListError) -> String {
        let file = path(directory, name)
        guard FileManager.default.fileExists(atPath: file) else { return "" }
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PolicyListError(file: file, line: 0, problem: "cannot read: \((error as NSError).localizedDescription)")
        }
    }
}
