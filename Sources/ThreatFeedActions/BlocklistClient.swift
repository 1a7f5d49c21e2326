import Foundation
import NIOHTTP1
import ThreatFeedCore

/// The spam-quarantine list calls of the AsyncOS API, by sender, over a logged-in session.
public struct BlocklistClient: Sendable {
    public enum Answer: Sendable, Equatable {
        /// Done, or already so (409 on add, 404 on delete).
        case done(status: Int)
        /// Worth trying again in this run: 5xx, 429 (with its Retry-After in seconds, if any).
        case transient(status: Int, message: String?, retryAfter: Double?)
        /// Refused for good.
        case refused(status: Int, message: String?)
    }

    let session: AsyncOSSession
    public let list: BlocklistKind

    public init(session: AsyncOSSession, list: BlocklistKind) {
        self.session = session
        self.list = list
    }

    public var path: String { "/quarantine/\(list.rawValue)" }

    public func append(sender: String, recipients: [String]) async throws(AsyncOSError) -> Answer {
        let response = try await session.send(.POST, path, body: BlocklistRequest.append(sender: sender, recipients: recipients))
        return await judge(response, alreadyDone: 409)
    }

    public func delete(sender: String) async throws(AsyncOSError) -> Answer {
        let response = try await session.send(.DELETE, path, body: BlocklistRequest.delete(sender: sender))
        return await judge(response, alreadyDone: 404)
    }

    /// The number of senders on the list (`meta.totalCount` of a view by sender), the administrator's
    /// included; nil in a 2xx answer without it.
    public func count() async throws(AsyncOSError) -> (answer: Answer, total: Int?) {
        let query = "?action=view&quarantineType=spam&viewBy=sender&offset=0&limit=1"
        let response = try await session.send(.GET, path + query, body: nil)
        let answer = await judge(response, alreadyDone: 200)
        guard case .done = answer, let total = AsyncOSAnswer.totalCount(in: response.body) else { return (answer, nil) }
        return (answer, total)
    }

    private func judge(_ response: AsyncOSResponse, alreadyDone: Int) async -> Answer {
        switch response.status {
        case 200..<300, alreadyDone: return .done(status: response.status)
        case 429, 500...:
            let retryAfter = response.status == 429 ? response.headers.first(name: "Retry-After").flatMap(SMARemediationClient.retryAfterSeconds) : nil
            return .transient(status: response.status, message: await session.errorMessage(in: response.body), retryAfter: retryAfter)
        default: return .refused(status: response.status, message: await session.errorMessage(in: response.body))
        }
    }
}
