/// `status_type` values of TAXII 1.1 (reference/taxii11-esa.md §2.5).
public enum TAXIIStatusType: String, Sendable, Hashable, CaseIterable {
    case success = "SUCCESS"
    /// Unparseable or schema-invalid request.
    case badMessage = "BAD_MESSAGE"
    /// Missing or wrong credentials, or no access.
    case unauthorized = "UNAUTHORIZED"
    case denied = "DENIED"
    /// Unknown collection or result; detail `ITEM`.
    case notFound = "NOT_FOUND"
    /// Unsupported message binding; detail `SUPPORTED_BINDING`.
    case unsupportedMessage = "UNSUPPORTED_MESSAGE"
    /// Detail `SUPPORTED_CONTENT`.
    case unsupportedContent = "UNSUPPORTED_CONTENT"
    case unsupportedProtocol = "UNSUPPORTED_PROTOCOL"
    /// Detail `SUPPORTED_QUERY`.
    case unsupportedQuery = "UNSUPPORTED_QUERY"
    case failure = "FAILURE"
    /// Detail `ESTIMATED_WAIT`.
    case retry = "RETRY"
    case pending = "PENDING"
    /// Detail `MAX_PART_NUMBER`.
    case invalidResponsePart = "INVALID_RESPONSE_PART"
    case asynchronousPollError = "ASYNCHRONOUS_POLL_ERROR"
    case destinationCollectionError = "DESTINATION_COLLECTION_ERROR"
    case networkError = "NETWORK_ERROR"
    case pollingUnsupported = "POLLING_UNSUPPORTED"
}
