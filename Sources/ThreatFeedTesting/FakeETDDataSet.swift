import Foundation

/// A reproducible data set of convictions for the fake ETD: `count` messages spread over `days`
/// ending at `end`, with the variety the poller must handle. Every value is a documentation
/// address or an `example.*` name (RFC 5737, 3849, 2606) unless it is one the safety policy must
/// hold back (private addresses, the gateway, free-mail, shorteners, our own domain).
public enum FakeETDDataSet {
    public static let gatewayIP = "198.51.100.10"
    public static let ownDomain = "example.com"
    public static let verdicts = ["bec", "scam", "phishing", "malicious"]

    public static func generate(count: Int, days: Double, end: Date, seed: UInt64 = 42) -> [FakeETDMessage] {
        var random = SplitMix64(seed: seed)
        let span = days * 86_400
        return (0..<count).map { i in
            let time = end.addingTimeInterval(-span + span * (Double(i) + 0.5) / Double(count))
            let verdict = verdicts[i % verdicts.count]
            // Senders repeat, so the same observable is backed by several convictions.
            let senderDomain = i % 10 == 0 ? "gmail.com" : i % 25 == 1 ? ownDomain : "sender\(i % 120).example.net"
            var message = FakeETDMessage(
                id: uuid(&random), time: time, verdict: verdict,
                techniques: [["Malicious URL"], ["Sender name impersonation", "Call to action"], ["QR code"], []][i % 4],
                fromAddress: "Someone <user\(i)@\(senderDomain)>",
                // Now and then the envelope sender is on a shared service, whose bare domain must never be published.
                returnPath: i % 40 == 3 ? "bounce@mailer.bit.ly" : "bounce@bounce\(i % 7).example.org",
                mailboxes: ["user\(i % 5)@example.com"]
            )
            switch i % 10 {
            case 0, 1, 2, 3:
                // Behind our gateway: clientIP is the gateway, the sender is in the header.
                message.clientIP = gatewayIP
                message.originalCIP = "203.0.113.\(i % 250 + 1)"
            case 4:
                message.clientIP = "10.0.\(i % 200).\(i % 250 + 1)"
            case 5 where i % 30 == 5:
                message.clientIP = "2001:db8::\(String(i, radix: 16))"
            case 6:
                // A gateway header that lost its value: fall back to clientIP, which is the gateway.
                message.clientIP = gatewayIP
            default:
                message.clientIP = "192.0.2.\(i % 250 + 1)"
            }
            let urls = ["https://sender\(i % 120).example.net/p/\(i)"] + (i % 9 == 0 ? ["https://bit.ly/x\(i)"] : [])
            if i % 11 == 0 {
                // Missing optional fields: no URLs, no attachments, no gateway, no return path.
                message.returnPath = nil
                message.originalCIP = nil
            } else if i % 8 == 0 {
                message.legacyURLs = urls
            } else {
                message.urlMetadata = urls
            }
            if i % 3 == 0, i % 11 != 0 {
                let key = ["sha256", "fileHashSha256"][i % 2]
                message.attachments = [FakeETDAttachment(key: key, hash: hex(&random, bytes: 32))]
            }
            return message
        }
    }

    static func uuid(_ random: inout SplitMix64) -> String {
        let h = hex(&random, bytes: 16)
        let c = Array(h)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    static func hex(_ random: inout SplitMix64, bytes: Int) -> String {
        var text = ""
        while text.count < bytes * 2 {
            let value = random.next()
            text += String(value, radix: 16).leftPadded(to: 16)
        }
        return String(text.prefix(bytes * 2))
    }
}

/// A tiny seeded generator, so a data set is the same on every run and machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
