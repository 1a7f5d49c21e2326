/// The extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1), keywords upper-cased.
struct SMTPCapabilities: Equatable {
    private var parameters: [String: [String]] = [:]

    /// What HELO gives: nothing.
    init() {}

    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard var keyword = words.first else { continue }
            var values = Array(words.dropFirst())
            // Old servers (and Outlook clients' habits) also write "AUTH=LOGIN PLAIN".
            if keyword.hasPrefix("AUTH=") {
                values.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            parameters[keyword, default: []].append(contentsOf: values)
        }
    }

    func supports(_ keyword: String) -> Bool { parameters[keyword.uppercased()] != nil }

    var authenticationMechanisms: Set<String> { Set(parameters["AUTH"] ?? []) }
}
