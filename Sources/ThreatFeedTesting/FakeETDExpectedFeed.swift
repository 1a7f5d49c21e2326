import Foundation
import ThreatFeedCore

/// What the feed must hold, computed from the fake's data set and the policy by rules written
/// out here again (not by calling the extractor under test): the sender IP is the gateway
/// header's address else clientIP; sender domains from From and Return-Path; URLs from
/// urlMetadata else urls; attachment hashes; the sender IP judged with the sender domains as context.
public enum FakeETDExpectedFeed {
    public static let threats: Set<String> = ["bec", "scam", "phishing", "malicious"]

    static func rawValues(_ message: FakeETDMessage) -> [(String, ObservableType)] {
        var values: [(String, ObservableType)] = []
        if let ip = message.originalCIP ?? message.clientIP { values.append((ip, ip.contains(":") ? .ipv6 : .ip)) }
        for address in [message.fromAddress, message.returnPath].compactMap({ $0 }) {
            let trimmed = address.split(separator: "<").last.map(String.init) ?? address
            if let at = trimmed.lastIndex(of: "@") {
                values.append((String(trimmed[trimmed.index(after: at)...]).replacingOccurrences(of: ">", with: ""), .domain))
            }
        }
        for url in message.urlMetadata ?? message.legacyURLs ?? [] { values.append((url, .url)) }
        for attachment in message.attachments ?? [] { values.append((attachment.hash, .sha256)) }
        return values
    }

    /// Observables of every message whose current verdict is a threat, minus those the policy holds back.
    public static func observables(_ messages: [FakeETDMessage], policy: SafetyPolicy) throws -> Set<Observable> {
        var result: Set<Observable> = []
        for message in messages where threats.contains(message.verdict) {
            let values = rawValues(message)
            // The sender IP is judged with the message's sender domains in view.
            let senderDomains = try values.filter { $0.1 == .domain }.map { try Observable(parsing: $0.0, as: .domain).value }
            let context = SenderContext(senderDomains: senderDomains)
            for (raw, type) in values {
                let observable = try Observable(parsing: raw, as: type)
                if policy.decide(observable, context: context) == .publish { result.insert(observable) }
            }
        }
        return result
    }
}
