/// A setting, configuration file or feeds file that cannot be used; the text names the key, file and line.
/// The CLI prints it as `error: …`; `serve` stops before listening.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
