import Foundation

/// Reads the policy list files in `feeds/policy/`: one entry per line, `#` starts a comment,
/// blank lines are ignored. Entries are refanged and normalised like every observable, so
/// `Gmail.COM` and `gmail[.]com` are the same entry.
public enum PolicyListParser {
    /// Non-empty, comment-stripped lines with their 1-based numbers.
    public static func lines(of text: String) -> [(number: Int, text: String)] {
        var result: [(number: Int, text: String)] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { result.append((number: number, text: trimmed)) }
        }
        return result
    }

    /// A list of domains (free-mail, shared hosting, our own). `*.` in front is accepted and
    /// dropped, since every entry already covers its subdomains.
    public static func domains(from text: String, file: String) throws(PolicyListError) -> DomainSet {
        var names: [String] = []
        for (number, entry) in lines(of: text) {
            var value = entry
            if value.hasPrefix("*.") { value.removeFirst(2) }
            do throws(ObservableError) {
                let observable = try Observable(parsing: value, as: .domain)
                names.append(observable.value)
            } catch {
                throw PolicyListError(file: file, line: number, problem: "'\(entry)' is not a domain: \(error.reason)")
            }
        }
        return DomainSet(names)
    }

    /// A list of addresses and CIDR blocks (gateway/egress IPs).
    public static func ranges(from text: String, file: String) throws(PolicyListError) -> [IPRange] {
        var ranges: [IPRange] = []
        for (number, entry) in lines(of: text) {
            do throws(ObservableError) {
                ranges.append(try IPRange(parsing: entry))
            } catch {
                throw PolicyListError(file: file, line: number, problem: error.reason)
            }
        }
        return ranges
    }

    /// A provider's published sending ranges: addresses and CIDR blocks, also written as SPF
    /// mechanisms (`ip4:40.92.0.0/15`, `ip6:2a01:111:f400::/48`) so a record can be pasted as it is.
    public static func providerRanges(from text: String, file: String) throws(PolicyListError) -> [IPRange] {
        var ranges: [IPRange] = []
        for (number, entry) in lines(of: text) {
            var value = Substring(entry)
            for prefix in ["ip4:", "ip6:"] where value.lowercased().hasPrefix(prefix) { value = value.dropFirst(prefix.count) }
            do throws(ObservableError) {
                ranges.append(try IPRange(parsing: String(value)))
            } catch {
                throw PolicyListError(file: file, line: number, problem: error.reason)
            }
        }
        return ranges
    }

    /// The operator's allowlist: any observable value, or an address block.
    public static func allowlist(from text: String, file: String) throws(PolicyListError) -> Allowlist {
        var allowlist = Allowlist()
        for (number, entry) in lines(of: text) {
            if entry.contains("/"), !entry.contains("://"), let range = try? IPRange(parsing: entry) {
                allowlist.ranges.append(range)
                continue
            }
            do throws(ObservableError) {
                allowlist.insert(try Observable(parsing: entry))
            } catch {
                throw PolicyListError(file: file, line: number, problem: "'\(entry)' is not a value ThreatFeed can match: \(error.reason)")
            }
        }
        return allowlist
    }
}
