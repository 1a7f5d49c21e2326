import Foundation

/// The JSON bodies of the AsyncOS spam-quarantine list API, viewed by sender
/// (`blocklist-append-by-sender-request.json`, `blocklist-delete-by-sender-request.json`).
public enum BlocklistRequest {
    struct Append: Encodable {
        var action = "append"
        var quarantineType = "spam"
        var viewBy = "sender"
        var senderAddresses: [String]
        var recipientList: [String]
    }

    struct Delete: Encodable {
        var quarantineType = "spam"
        var viewBy = "sender"
        var senderList: [String]
    }

    /// Sorted keys so the dry-run log and the request are byte-for-byte stable.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain string arrays cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    public static func append(sender: String, recipients: [String]) -> Data {
        encode(Append(senderAddresses: [sender], recipientList: recipients))
    }

    public static func delete(sender: String) -> Data {
        encode(Delete(senderList: [sender]))
    }
}
