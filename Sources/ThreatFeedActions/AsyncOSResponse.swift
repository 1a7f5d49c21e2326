import Foundation
import NIOHTTP1

/// One AsyncOS answer: status, headers, body (bounded).
public struct AsyncOSResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data
}
