import Foundation
import Logging
import NIOHTTP1
import ThreatFeedCore

/// Sends remediation requests to the SMA through an `AsyncOSSession` and classifies the answer.
/// One HTTP exchange per call (plus at most one re-login): retries across time are the runner's,
/// persisted on the row, so they survive a restart.
public struct SMARemediationClient: Sendable {
    public static let remediationPath = "/remediation"

    public let session: AsyncOSSession

    public init(session: AsyncOSSession) { self.session = session }

    /// Logs in if needed, so a wrong passphrase is found before any row is marked `sending`.
    public func prepare() async throws(AsyncOSError) { try await session.ensureLoggedIn() }

    public func remediate(body: Data) async -> RemediationOutcome {
        let response: AsyncOSResponse
        do {
            response = try await session.send(.POST, Self.remediationPath, body: body)
        } catch {
            // No usable answer (re-login after a 401 failed, or SMA unreachable): nothing was done; try later.
            var status: Int?
            if case .credentialsRejected(_, let code) = error { status = code }
            return .transient(RemediationAnswer(status: status, problem: "\(error)"), retryAfter: nil)
        }
        let text = await session.scrub(String(decoding: response.body, as: UTF8.self))
        let answer = RemediationAnswer(status: response.status, body: text)
        switch response.status {
        case 200..<300:
            return .accepted(answer)
        case 429:
            return .transient(answer, retryAfter: response.headers.first(name: "Retry-After").flatMap(Self.retryAfterSeconds))
        case 401, 500...599:
            // 401 even with a fresh token: treated as passing (a token race); the attempt limit ends it.
            return .transient(answer, retryAfter: nil)
        default:
            return .rejected(answer)
        }
    }

    /// `Retry-After` in seconds (the HTTP-date form is ignored).
    static func retryAfterSeconds(_ text: String) -> Double? { AsyncOSAnswer.retryAfterSeconds(text) }
}
