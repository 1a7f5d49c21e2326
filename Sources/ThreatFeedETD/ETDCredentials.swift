/// The three secrets an ETD API client needs. `description` never shows them, so a credentials
/// value that ends up in a log line or an error message leaks nothing.
public struct ETDCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let clientID: String
    public let clientSecret: String
    public let apiKey: String

    public init(clientID: String, clientSecret: String, apiKey: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.apiKey = apiKey
    }

    public var description: String { "ETDCredentials(redacted)" }
    public var debugDescription: String { description }

    /// The values to scrub from any text that came back from the server before we show it.
    var secrets: [String] { [clientID, clientSecret, apiKey].filter { $0.count >= 4 } }
}
