import Foundation

/// One page of search results: `{"data": {"messages": [...]}, "nextPageToken": "...", "totalSize": n}`.
/// `data` missing is read as no messages (the Sentinel connector guards against it too).
public struct ETDSearchPage: Decodable, Sendable, Equatable {
    public var messages: [ETDMessage]
    /// Nil on the last page; absent, `null` and `""` all mean "last page".
    public var nextPageToken: String?
    public var totalSize: Int?

    private enum CodingKeys: String, CodingKey { case data, nextPageToken, totalSize }
    private enum DataKeys: String, CodingKey { case messages }

    public init(messages: [ETDMessage], nextPageToken: String?, totalSize: Int? = nil) {
        self.messages = messages
        self.nextPageToken = nextPageToken
        self.totalSize = totalSize
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.data), try !container.decodeNil(forKey: .data) {
            let data = try container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
            messages = try data.decodeIfPresent([ETDMessage].self, forKey: .messages) ?? []
        } else {
            messages = []
        }
        let token = try container.decodeIfPresent(String.self, forKey: .nextPageToken)
        nextPageToken = (token?.isEmpty ?? true) ? nil : token
        // Informational only: a count that is negative, fractional or beyond Int is dropped rather than failing the page.
        totalSize = (try? container.decodeIfPresent(Int.self, forKey: .totalSize)).flatMap { $0 }.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Decodes a body, turning a decoding failure into words that name the field.
    public static func decode(_ data: Data, endpoint: String) throws(ETDError) -> ETDSearchPage {
        try ETDJSON.decode(ETDSearchPage.self, from: data, endpoint: endpoint)
    }
}

/// JSON decoding whose errors say which field was wrong, never "The data couldn’t be read".
enum ETDJSON {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, endpoint: String) throws(ETDError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .malformedResponse(endpoint: endpoint, problem: describe(error))
        } catch {
            throw .malformedResponse(endpoint: endpoint, problem: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing field '\(key.stringValue)' in \(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null where a \(typeName(type)) is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is Double.Type: "number"
        case is Bool.Type: "boolean"
        default:
            "\(type)".hasPrefix("Array") ? "list" : "JSON object"
        }
    }
}
