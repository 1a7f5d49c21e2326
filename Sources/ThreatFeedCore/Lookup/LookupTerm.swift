import Foundation

/// Reads what an analyst types: `type:"value"`, `type:value` (the XDR investigate style, e.g.
/// `ip:"203.0.113.7"`, `domain:evil.example`) or a bare value whose type is detected. Values go
/// through the same refang and normaliser as an import, so `hxxp://evil[.]example` finds
/// `http://evil.example/`.
///
/// The `type:value` grammar is our inference (xdr-relay-ctim.md §1 [INF]: no public grammar was
/// found); it lives here only, so changing it touches this file alone.
public enum LookupTerm {
    /// Type names accepted before the colon, with the aliases imports accept (`ipv4`, `hostname`, …).
    static func lookupType(named name: Substring) -> LookupType? {
        let lowered = name.lowercased()
        if lowered == "email" || lowered == "email_address" || lowered == "mail" || lowered == "mailto" { return .email }
        return ObservableType(name: lowered).map(LookupType.observable)
    }

    enum LookupType {
        case observable(ObservableType)
        case email
    }

    /// One term. Throws a reason naming the term when it is not a value we could look up.
    public static func parse(_ term: String) throws(ObservableError) -> LookupSubject {
        let trimmed = term.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ObservableError("empty term") }
        if let colon = trimmed.firstIndex(of: ":") {
            let head = trimmed[..<colon]
            var rest = trimmed[trimmed.index(after: colon)...]
            // `http://…`, `2001:db8::1`, `[::1]` are bare values, not `type:value`.
            let isTypeWord = !head.isEmpty && head.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                && head.first?.isLetter == true && !rest.hasPrefix("//") && !rest.hasPrefix("[")
            if isTypeWord {
                guard let type = lookupType(named: head) else {
                    if rest.first == "\"" || rest.first == "'" || !head.allSatisfy(\.isHexDigit) {
                        throw ObservableError("unknown type \(ReasonText.quoted(String(head))) (use \(LookupSubject.typeNamesForHelp))")
                    }
                    return try bare(trimmed)
                }
                rest = unquoted(rest)
                switch type {
                case .email: return try email(String(rest), input: trimmed)
                case .observable(let observableType):
                    return LookupSubject(observable: try Observable(parsing: String(rest), as: observableType), input: String(rest))
                }
            }
        }
        return try bare(String(unquoted(trimmed[...])))
    }

    /// A `{type, value}` pair as XDR and `POST /lookup` send it. Nil when the type is not one we know
    /// (XDR sends many: `user`, `mac_address`, … which a relay module ignores).
    public static func typed(type name: String, value: String) throws(ObservableError) -> LookupSubject? {
        guard let type = lookupType(named: Substring(name)) else { return nil }
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ObservableError("empty value") }
        switch type {
        case .email: return try email(value, input: value)
        case .observable(let observableType): return LookupSubject(observable: try Observable(parsing: value, as: observableType), input: value)
        }
    }

    /// A value without a type: e-mail when it has an `@` and no scheme, else whatever the normaliser detects.
    public static func bare(_ value: String) throws(ObservableError) -> LookupSubject {
        let refanged = String(decoding: Refang.refang(Array(value.utf8)[...]), as: UTF8.self)
        if refanged.contains("@"), !refanged.contains("://"), !refanged.contains("/") {
            return try email(value, input: value)
        }
        return LookupSubject(observable: try Observable(parsing: value), input: value)
    }

    /// `local@domain`: the domain normalised as a domain observable, the local part kept as written
    /// (it is case-sensitive in principle); `mailto:` and angle brackets are dropped.
    static func email(_ raw: String, input: String) throws(ObservableError) -> LookupSubject {
        var text = String(decoding: Refang.refang(Array(raw.utf8)[...]), as: UTF8.self)
        if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)) }
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        guard let at = text.lastIndex(of: "@") else { throw ObservableError("\(ReasonText.quoted(raw)) is not an e-mail address (no @)") }
        let local = text[..<at]
        let domainText = text[text.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 else { throw ObservableError("e-mail address needs a local part of 1 to 64 characters") }
        guard local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" && $0 != "@" && $0 != "," }) else {
            throw ObservableError("e-mail local part \(ReasonText.quoted(String(local))) contains a space or a character not allowed there")
        }
        let domain = try Observable(parsing: String(domainText), as: .domain)
        return LookupSubject(email: "\(local)@\(domain.value)", input: input)
    }

    private static func unquoted(_ text: Substring) -> Substring {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return text.dropFirst().dropLast()
        }
        return text
    }
}
