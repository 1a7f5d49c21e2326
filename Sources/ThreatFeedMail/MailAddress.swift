/// The mail addresses this client puts in MAIL FROM, RCPT TO and the From/To headers:
/// a plain ASCII `local@domain`, nothing else. No display names, no quoted local parts,
/// no SMTPUTF8: an address that needs them is refused rather than sent half-understood.
public enum MailAddress {
    /// Nil when `address` is acceptable, otherwise why not.
    public static func problem(with address: String) -> String? {
        guard !address.isEmpty else { return "empty" }
        guard address.utf8.count <= 254 else { return "longer than 254 characters" }
        guard address.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }) else {
            return "contains a space, a control or a non-ASCII character"
        }
        guard !address.contains(where: { "<>()[],;:\\\"".contains($0) }) else { return "contains one of < > ( ) [ ] , ; : \\ \"" }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return "is not local@domain" }
        guard parts[0].utf8.count <= 64 else { return "has a local part longer than 64 characters" }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }) else {
            return "has a malformed domain"
        }
        return nil
    }

    public static func isValid(_ address: String) -> Bool { problem(with: address) == nil }

    /// The part after "@", for Message-ID.
    static func domain(of address: String) -> String? {
        address.split(separator: "@").last.map(String.init)
    }
}
