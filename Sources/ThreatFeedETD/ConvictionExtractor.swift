import Foundation
import ThreatFeedCore

/// Turns ETD messages into judgements: extraction (which fields), the verdict's rule (which
/// kinds, which indicator, how long) and the safety policy (what must never be published).
public struct ConvictionExtractor: Sendable {
    public static let source = "etd"

    public var configuration: ETDConfiguration
    public var policy: SafetyPolicy

    public init(configuration: ETDConfiguration, policy: SafetyPolicy) {
        self.configuration = configuration
        self.policy = policy
    }

    /// The values a message carries, de-duplicated, with a count of values that are not valid
    /// observables (they are never published and count as held back, `invalid-value`).
    ///
    /// - Sender IP: `secureEmailGateway.originalCIP` (the external sender seen by our gateway),
    ///   else `clientIP` (behind a gateway `clientIP` is the gateway itself; the policy's
    ///   gateway list keeps it out if `originalCIP` is missing).
    /// - Sender domains: of `fromAddress` and `returnPath`; never `domain`, whose meaning is
    ///   undocumented and which holds the tenant's own domain in every sample.
    /// - URLs: `urlMetadata[].url`, else the legacy `urls[]`.
    /// - Attachment SHA-256 under whichever key is present (`ETDMessage.Attachment.hashKeys`).
    public static func extract(from message: ETDMessage) -> (values: [ExtractedObservable], invalid: Int) {
        var values: [ExtractedObservable] = []
        var seen: Set<ExtractedObservable> = []
        var invalid = 0
        func add(_ raw: String?, _ kind: ETDObservableKind, as type: ObservableType?) {
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            do {
                let observable = try Observable(parsing: raw, as: type)
                // An address field must hold an address, whatever auto-detection would make of it.
                if kind == .senderIP, observable.type != .ip, observable.type != .ipv6 {
                    invalid += 1
                    return
                }
                let value = ExtractedObservable(kind: kind, observable: observable)
                if seen.insert(value).inserted { values.append(value) }
            } catch {
                invalid += 1
            }
        }
        add(message.secureEmailGateway?.originalCIP ?? message.clientIP, .senderIP, as: nil)
        for address in [message.fromAddress, message.returnPath] {
            guard let address else { continue }
            add(domain(ofAddress: address), .senderDomain, as: .domain)
        }
        let metadataURLs = (message.urlMetadata ?? []).compactMap(\.url)
        for url in metadataURLs.isEmpty ? (message.urls ?? []) : metadataURLs {
            add(url, .url, as: .url)
        }
        for attachment in message.attachments ?? [] {
            add(attachment.sha256, .attachmentSHA256, as: .sha256)
        }
        return (values, invalid)
    }

    /// The domain of `user@domain`, also from `Name <user@domain>`; nil when there is no `@`.
    static func domain(ofAddress address: String) -> String? {
        var text = Substring(address.trimmingCharacters(in: .whitespaces))
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = text[text.index(after: open)..<close]
        }
        guard let at = text.lastIndex(of: "@") else { return nil }
        let domain = text[text.index(after: at)...]
        return domain.isEmpty ? nil : String(domain)
    }

    /// Whether the message passes the optional technique and mailbox filters (both must match).
    public func matchesFilters(_ message: ETDMessage) -> Bool {
        if !configuration.techniques.isEmpty {
            let wanted = Set(configuration.techniques.map { $0.lowercased() })
            guard message.verdict.techniqueNames.contains(where: { wanted.contains($0.lowercased()) }) else { return false }
        }
        if !configuration.mailboxes.isEmpty {
            let wanted = Set(configuration.mailboxes.map { $0.lowercased() })
            guard (message.mailboxes ?? []).contains(where: { wanted.contains($0.lowercased()) }) else { return false }
        }
        return true
    }

    /// The conviction a message is, with its judgements and what was held back. `now` starts the valid time:
    /// a retrospective verdict on an old message is news now and gets its full valid-for.
    public func conviction(from message: ETDMessage, now: Date) -> ConvictionPage.Conviction {
        let verdict = message.verdict.category.lowercased()
        let rule = configuration.rule(for: verdict)
        let techniques = message.verdict.techniqueNames
        let messageTime = Timestamps.parse(message.timestamp) ?? now
        var reason = "ETD \(verdict)"
        if !techniques.isEmpty { reason += ": " + techniques.joined(separator: ", ") }
        var provenance = [
            "etd.message_id": message.id,
            "etd.verdict": verdict,
            "etd.message_time": message.timestamp,
        ]
        if !techniques.isEmpty { provenance["etd.techniques"] = techniques.joined(separator: "; ") }
        if message.verdict.isRetroVerdict == true { provenance["etd.retro_verdict"] = "true" }

        let (values, invalid) = Self.extract(from: message)
        var heldBack: [HoldBackReason: Int] = invalid > 0 ? [.invalidValue: invalid] : [:]
        var judgements: [(indicator: EntityName, judgement: Judgement)] = []
        var heldBackObservables: [HeldBackObservable] = []
        for value in values where rule.kinds.contains(value.kind) {
            switch policy.decide(value.observable) {
            case .holdBack(let why):
                heldBack[why, default: 0] += 1
                heldBackObservables.append(HeldBackObservable(observable: value.observable, reason: why))
            case .publish:
                let judgement = Judgement(
                    observable: value.observable, disposition: .malicious, source: Self.source,
                    confidence: .high, severity: .high, tlp: .amber,
                    // CTIM: automated systems 90 or less, below humans (100) and curated lists (95).
                    priority: 90, reason: reason,
                    validTime: ValidTime(start: now, lasting: rule.validFor(value.kind)), provenance: provenance
                )
                judgements.append((rule.indicator, judgement))
            }
        }
        let details = ConvictionDetails(
            internetMessageID: message.internetMessageId, subject: message.subject, fromAddress: message.fromAddress,
            mailboxes: message.mailboxes ?? [], techniques: techniques, observables: judgements.map(\.judgement.observable)
        )
        return ConvictionPage.Conviction(
            key: ConvictionKey(messageID: message.id, verdict: verdict), messageTime: messageTime,
            judgements: judgements, heldBack: heldBack, details: details, heldBackObservables: heldBackObservables
        )
    }
}
