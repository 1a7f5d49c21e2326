/// Finds the observables in free text: a pasted mail header, a ticket, a log line. Pure.
///
/// The text is cut into tokens at whitespace and at the characters that wrap values in headers and
/// prose (`<>"'`,;` and the brackets of `(host [1.2.3.4])`), trailing sentence punctuation is dropped,
/// and each token goes through the same term parser as a typed value, so defanged values are found
/// and stored forms match. Tokens that are no observable (words, dates, header names) are skipped.
/// A bare word with a dot is a domain only if its last label looks like a top-level domain (letters,
/// or punycode), so `e.g.` and `1.5` are not reported.
public enum ObservableExtraction {
    /// The distinct observables in `text`, in order of first appearance, at most `limit`.
    public static func subjects(in text: String, limit: Int = 1_000) -> [LookupSubject] {
        var found: [LookupSubject] = []
        var seen: Set<String> = []
        for token in tokens(of: text) {
            guard found.count < limit else { break }
            guard let subject = subject(from: token) else { continue }
            let key = "\(subject.type):\(subject.value)"
            if seen.insert(key).inserted { found.append(subject) }
        }
        return found
    }

    static func tokens(of text: String) -> [Substring] {
        // Defang brackets (`[.]`, `(.)`, `[at]`, `[:]`) must survive the cut, so brackets are separators only
        // when they do not enclose a defang token.
        let separators: Set<Character> = [" ", "\t", "\n", "\r", "<", ">", "\"", "'", "`", ",", ";", "|", "\u{00A0}"]
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if separators.contains(text[index]) {
                if start < index { result.append(text[start..<index]) }
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result.flatMap(splitWrapping)
    }

    /// `(mail.evil.example` → `mail.evil.example`; `[203.0.113.7])` → `203.0.113.7`; `[IPv6:2001:db8::1]` → the address.
    static func splitWrapping(_ token: Substring) -> [Substring] {
        var token = token
        let openers: Set<Character> = ["(", "[", "{"]
        let trailing: Set<Character> = [")", "]", "}", ".", ":", "!", "?"]
        while let first = token.first, openers.contains(first), !startsDefangToken(token) { token = token.dropFirst() }
        while let last = token.last, trailing.contains(last), !endsDefangToken(token) { token = token.dropLast() }
        if token.lowercased().hasPrefix("ipv6:") { token = token.dropFirst(5) }
        if token.lowercased().hasPrefix("mailto:") { token = token.dropFirst(7) }
        return token.isEmpty ? [] : [token]
    }

    private static let defangTokens = ["[.]", "(.)", "{.}", "[dot]", "[:]", "[@]", "[at]", "[/]"]

    private static func startsDefangToken(_ token: Substring) -> Bool { defangTokens.contains { token.lowercased().hasPrefix($0) } }
    private static func endsDefangToken(_ token: Substring) -> Bool { defangTokens.contains { token.lowercased().hasSuffix($0) } }

    static func subject(from token: Substring) -> LookupSubject? {
        let text = String(token)
        guard let subject = try? LookupTerm.bare(text) else { return nil }
        switch subject.type {
        case ObservableType.domain.rawValue:
            return looksLikeHostName(subject.value) ? subject : nil
        case LookupSubject.emailType:
            guard let at = subject.value.lastIndex(of: "@") else { return nil }
            return looksLikeHostName(String(subject.value[subject.value.index(after: at)...])) ? subject : nil
        default:
            return subject
        }
    }

    /// The last label is letters only (2–63) or an IDN in punycode: `evil.example`, `xn--80ak6aa92e.com`.
    static func looksLikeHostName(_ name: String) -> Bool {
        guard let last = name.split(separator: ".").last else { return false }
        if last.hasPrefix("xn--") { return true }
        return (2...63).contains(last.count) && last.allSatisfy { $0.isASCII && $0.isLetter }
    }
}
