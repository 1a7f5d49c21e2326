/// What the safety policy knows about the message an observable came from. A sender IP means
/// something else when the message came from a gmail.com account: then the IP is Google's relay,
/// shared by millions of honest senders, not the attacker's server.
public struct SenderContext: Hashable, Sendable, Codable {
    /// The normalised domains of the message's `From` and envelope sender (`Return-Path`).
    public var senderDomains: [String]

    public init(senderDomains: [String] = []) {
        self.senderDomains = senderDomains
    }

    /// No message around the value (an import, a test): only the value itself is judged.
    public static let none = SenderContext()

    /// The normalised domain of `user@domain`, also from `Name <user@domain>`; nil when there is
    /// no `@` or the part after it is no valid domain.
    public static func domain(ofAddress address: String) -> String? {
        var text = Substring(address)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = text[text.index(after: open)..<close]
        }
        guard let at = text.lastIndex(of: "@") else { return nil }
        let domain = text[text.index(after: at)...]
        guard !domain.isEmpty else { return nil }
        return try? Observable(parsing: String(domain), as: .domain).value
    }

    /// The context of a message with these `From` and `Return-Path` addresses.
    public init(fromAddress: String?, returnPath: String?) {
        var domains: [String] = []
        for address in [fromAddress, returnPath] {
            if let address, let domain = Self.domain(ofAddress: address), !domains.contains(domain) { domains.append(domain) }
        }
        self.senderDomains = domains
    }
}
