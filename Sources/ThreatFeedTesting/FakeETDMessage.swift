import Foundation

/// One message in the fake ETD's data set. Optional fields that are nil are left out of the JSON
/// entirely, as ETD leaves out what does not apply.
public struct FakeETDMessage: Sendable, Equatable {
    public var id: String
    public var time: Date
    public var verdict: String
    public var originalVerdict: String
    public var techniques: [String]
    public var fromAddress: String?
    public var returnPath: String?
    public var clientIP: String?
    public var originalCIP: String?
    /// `urlMetadata[].url`; nil leaves the key out.
    public var urlMetadata: [String]?
    /// Legacy `urls[]`; nil leaves the key out.
    public var legacyURLs: [String]?
    /// Attachment hashes with the key each is written under (`sha256`, `fileHashSha256`, …).
    public var attachments: [FakeETDAttachment]?
    public var mailboxes: [String]

    public init(
        id: String, time: Date, verdict: String, techniques: [String] = [], fromAddress: String? = nil,
        returnPath: String? = nil, clientIP: String? = nil, originalCIP: String? = nil, urlMetadata: [String]? = nil,
        legacyURLs: [String]? = nil, attachments: [FakeETDAttachment]? = nil, mailboxes: [String] = []
    ) {
        self.id = id
        self.time = time
        self.verdict = verdict
        self.originalVerdict = verdict
        self.techniques = techniques
        self.fromAddress = fromAddress
        self.returnPath = returnPath
        self.clientIP = clientIP
        self.originalCIP = originalCIP
        self.urlMetadata = urlMetadata
        self.legacyURLs = legacyURLs
        self.attachments = attachments
        self.mailboxes = mailboxes
    }

    /// The message object as the search response carries it.
    func jsonObject() -> [String: Any] {
        var object: [String: Any] = [
            "id": id,
            "timestamp": FakeETDMessage.timestamp(time),
            "direction": "incoming",
            "mailboxes": mailboxes,
            "toAddresses": mailboxes,
            "domain": "example.com",
            "subject": "Message \(id.prefix(8))",
            "internetMessageId": "<\(id)@fake.example.net>",
        ]
        if let fromAddress { object["fromAddress"] = fromAddress }
        if let returnPath { object["returnPath"] = returnPath }
        if let clientIP { object["clientIP"] = clientIP }
        if let originalCIP { object["secureEmailGateway"] = ["headerName": "X-IronPort-RemoteIP", "originalCIP": originalCIP] }
        if let urlMetadata { object["urlMetadata"] = urlMetadata.map { ["url": $0] } }
        if let legacyURLs { object["urls"] = legacyURLs }
        if let attachments {
            object["attachments"] = attachments.map { ["fileName": "file.bin", "contentType": "application/octet-stream", $0.key: $0.hash] }
        }
        object["verdict"] = [
            "category": verdict,
            "originalVerdict": originalVerdict,
            "latestVerdict": verdict,
            "isRetroVerdict": verdict != originalVerdict,
            "isManualVerdict": false,
            "timestamp": FakeETDMessage.timestamp(time.addingTimeInterval(3)),
            "techniques": techniques.map { ["type": $0] },
        ] as [String: Any]
        return object
    }

    /// Microseconds, as Verdict-Watch's clients see them.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

public struct FakeETDAttachment: Sendable, Equatable {
    public var key: String
    public var hash: String

    public init(key: String, hash: String) {
        self.key = key
        self.hash = hash
    }
}
