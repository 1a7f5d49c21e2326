/// One `<Detail name="…">value</Detail>` of a Status_Message.
public struct TAXIIStatusDetail: Sendable, Hashable {
    /// The upper-case constant, e.g. `ITEM`, `SUPPORTED_CONTENT`.
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The item not found (NOT_FOUND): e.g. the collection name.
    public static func item(_ value: String) -> Self { Self(name: "ITEM", value: value) }
    /// A content binding the service does support (UNSUPPORTED_CONTENT).
    public static func supportedContent(_ bindingID: String) -> Self { Self(name: "SUPPORTED_CONTENT", value: bindingID) }
    /// A message binding the service does support (UNSUPPORTED_MESSAGE).
    public static func supportedBinding(_ bindingID: String) -> Self { Self(name: "SUPPORTED_BINDING", value: bindingID) }
    /// A query format the service does support (UNSUPPORTED_QUERY).
    public static func supportedQuery(_ formatID: String) -> Self { Self(name: "SUPPORTED_QUERY", value: formatID) }
    /// The last part of a multi-part result (INVALID_RESPONSE_PART).
    public static func maxPartNumber(_ number: Int) -> Self { Self(name: "MAX_PART_NUMBER", value: String(number)) }
    /// Seconds to wait before retrying (RETRY, PENDING).
    public static func estimatedWait(seconds: Int) -> Self { Self(name: "ESTIMATED_WAIT", value: String(seconds)) }
}
