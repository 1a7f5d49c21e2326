import Foundation

/// Convictions whose sender IP is, or is not, a large provider's shared relay (issue 13), with
/// what the feed must and must not hold under the shipped `feeds/policy` files. Provider
/// addresses are real ones inside the shipped ranges; everything of the attacker is a
/// documentation address or an `example.*` name.
public enum FakeETDSharedSenderScenarios {
    public static let googleRelay = "209.85.220.41"
    public static let microsoftRelay = "40.107.22.57"
    public static let googleRelayV6 = "2a00:1450:4864:20::341"
    public static let attackerIP = "203.0.113.66"
    public static let attackerIPv6 = "2001:db8:66::1"
    public static let lookAlikeDomain = "micros0ft-login.example.net"
    public static let lookAlikeURL = "https://micros0ft-login.example.net/owa/auth"
    public static let attackerDomain = "invoice-portal.example.org"
    public static let attackerURL = "https://invoice-portal.example.org/pay/8812"
    public static let attachment = "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
    public static let payrollDomain = "payro11-update.example.net"

    /// The gateway's own address, as `clientIP` behind it.
    public static let gateway = FakeETDDataSet.gatewayIP

    public static func messages(at time: Date) -> [FakeETDMessage] {
        [
            // A BEC from a free-mail account, through Google's outbound pool: nothing of Google may be published.
            FakeETDMessage(
                id: "bec-freemail-0001", time: time, verdict: "bec", techniques: ["Sender name impersonation"],
                fromAddress: "CEO Office <ceo.office.private@gmail.com>", returnPath: "ceo.office.private@gmail.com",
                clientIP: gateway, originalCIP: googleRelay, mailboxes: ["finance@example.com"]
            ),
            // A scam from an outlook.com account through an address in no shipped range: the sender decides.
            FakeETDMessage(
                id: "scam-freemail-0002", time: time.addingTimeInterval(1), verdict: "scam", techniques: ["Call to action"],
                fromAddress: "lottery.office@outlook.com", returnPath: "lottery.office@outlook.com",
                clientIP: gateway, originalCIP: "198.51.100.77", mailboxes: ["ap@example.com"]
            ),
            // Phishing relayed through Microsoft 365's shared pool from a look-alike domain: domain and URL published,
            // the relay held back.
            FakeETDMessage(
                id: "phish-m365-relay-0003", time: time.addingTimeInterval(2), verdict: "phishing", techniques: ["Malicious URL"],
                fromAddress: "Microsoft 365 <no-reply@\(lookAlikeDomain)>", returnPath: "bounce@\(lookAlikeDomain)",
                clientIP: gateway, originalCIP: microsoftRelay, urlMetadata: [lookAlikeURL], mailboxes: ["user1@example.com"]
            ),
            // The attacker's own server: everything published.
            FakeETDMessage(
                id: "malicious-own-server-0004", time: time.addingTimeInterval(3), verdict: "malicious", techniques: ["Malicious attachment"],
                fromAddress: "Billing <billing@\(attackerDomain)>", returnPath: "billing@\(attackerDomain)",
                clientIP: gateway, originalCIP: attackerIP, urlMetadata: [attackerURL],
                attachments: [FakeETDAttachment(key: "sha256", hash: attachment)], mailboxes: ["user2@example.com"]
            ),
            // Phishing through Google's IPv6 pool from a look-alike domain: the v6 relay held back, the domain published.
            FakeETDMessage(
                id: "phish-google-v6-0005", time: time.addingTimeInterval(4), verdict: "phishing", techniques: ["Malicious URL"],
                fromAddress: "HR <hr@\(payrollDomain)>", returnPath: "hr@\(payrollDomain)",
                clientIP: gateway, originalCIP: googleRelayV6, mailboxes: ["user3@example.com"]
            ),
            // The attacker's own IPv6 server: published.
            FakeETDMessage(
                id: "malicious-own-v6-0006", time: time.addingTimeInterval(5), verdict: "malicious", techniques: [],
                fromAddress: "ops@\(attackerDomain)", returnPath: "ops@\(attackerDomain)",
                clientIP: gateway, originalCIP: attackerIPv6, mailboxes: ["user4@example.com"]
            ),
        ]
    }

    /// What the feed must serve: `(type, value)`.
    public static let published: Set<[String]> = [
        ["domain", lookAlikeDomain], ["url", lookAlikeURL],
        ["ip", attackerIP], ["domain", attackerDomain], ["url", attackerURL], ["sha256", attachment],
        ["domain", payrollDomain], ["ipv6", attackerIPv6],
    ]

    /// Held back with reason `shared-sender-infrastructure`.
    public static let relays: Set<String> = [googleRelay, "198.51.100.77", microsoftRelay, googleRelayV6]
}
