import Foundation

/// One message from `POST /v1/messages/search`, reduced to what the poller uses. Only `id`,
/// `timestamp` and `verdict.category` are required; every other field may be missing (tenants
/// without a gateway have no `secureEmailGateway`, current tenants no `urls`, …) and unknown
/// keys are ignored.
public struct ETDMessage: Decodable, Sendable, Equatable {
    public var id: String
    public var timestamp: String
    public var fromAddress: String?
    public var returnPath: String?
    public var mailboxes: [String]?
    public var subject: String?
    /// `<…@…>`: how SMA and the gateways find the message.
    public var internetMessageId: String?
    public var clientIP: String?
    public var secureEmailGateway: Gateway?
    public var urlMetadata: [URLMetadata]?
    public var urls: [String]?
    public var attachments: [Attachment]?
    public var verdict: Verdict

    public struct Gateway: Decodable, Sendable, Equatable {
        public var headerName: String?
        public var originalCIP: String?
    }

    /// [I] Item shape is not public; `url` is the obvious key and the one the fixtures use.
    public struct URLMetadata: Decodable, Sendable, Equatable {
        public var url: String?
    }

    /// [I] Item keys are not public. Third-party code probes these names for the SHA-256; the
    /// first one present wins. Change `hashKeys` when a real response shows the name.
    public struct Attachment: Decodable, Sendable, Equatable {
        public static let hashKeys = ["sha256", "fileHashSha256", "sha256Hash", "hash"]
        public var sha256: String?

        public init(sha256: String?) { self.sha256 = sha256 }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            sha256 = nil
            for name in Self.hashKeys {
                if let value = try? container.decodeIfPresent(String.self, forKey: AnyKey(name)), !value.isEmpty {
                    sha256 = value
                    break
                }
            }
        }
    }

    public struct Verdict: Decodable, Sendable, Equatable {
        public var category: String
        public var techniques: [Technique]?
        public var isRetroVerdict: Bool?

        public struct Technique: Decodable, Sendable, Equatable {
            public var type: String?
        }

        /// Technique names, in ETD's order, without blanks.
        public var techniqueNames: [String] { (techniques ?? []).compactMap(\.type).filter { !$0.isEmpty } }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}
