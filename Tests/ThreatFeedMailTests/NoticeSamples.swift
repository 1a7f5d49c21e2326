import Foundation
import ThreatFeedMail

enum Samples {
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    /// A phishing conviction whose attacker-controlled fields try HTML, header injection and non-ASCII.
    static let hostile = ConvictionNotice(
        messageID: "etd-0001", time: time,
        subject: "Invoice <script>alert('x')</script> & \"urgent\"\r\nBcc: victim@example.org — Überweisung",
        sender: "ceo@evil.example", recipients: ["Alice@Corp.example", "bob@corp.example"], verdict: "phishing",
        techniques: ["credential_harvesting", "impersonation"],
        observables: [
            .init(type: "url", value: "https://evil.example/login?next=<b>&x=" + String(repeating: "a", count: 1200)),
            .init(type: "domain", value: "evil.example"),
        ])

    static let bec = ConvictionNotice(
        messageID: "etd-0002", time: time.addingTimeInterval(60), subject: "Quick favour", sender: "boss@lookalike.example",
        recipients: ["carol@corp.example"], verdict: "bec", techniques: ["impersonation"], observables: [])

    static let malicious = ConvictionNotice(
        messageID: "etd-0003", time: time.addingTimeInterval(120), subject: "Your parcel", sender: "post@bad.example",
        recipients: ["dave@corp.example"], verdict: "malicious", techniques: [],
        observables: [.init(type: "sha256", value: String(repeating: "ab", count: 32))])
}
