import AsyncHTTPClient
import Foundation
import ThreatFeedCore
import Logging
import NIOCore
import NIOHTTP1

/// A logged-in session with an AsyncOS appliance's REST API: the SMA (`/sma/api/v2.0`) for
/// remediation, and the gateway (`/esa/api/v2.0`) for the later blocklist sync; only the prefix differs.
///
/// `POST {prefix}/login` with the Base64 user name and passphrase returns `data.jwtToken`, which
/// every later call sends in a header literally named `jwtToken` [O]. The token is reused until
/// the appliance answers 401 (its validity follows the user-inactivity timeout [D]); then the
/// session logs in again once and repeats the request. The passphrase and the token are sent
/// only in the login body and that header; they are never logged or returned in an error.
public actor AsyncOSSession {
    public static let smaPrefix = "/sma/api/v2.0"
    public static let esaPrefix = "/esa/api/v2.0"
    /// [I] AsyncOS returns a refreshed JWT in a response header near expiry [D]; the header's name
    /// is undocumented. We take one under this name when it appears, and otherwise rely on re-login.
    static let refreshHeader = "jwtToken"
    /// Answers are read up to this size; a remediation answer is small.
    static let maxBody = 1 << 20

    public let baseURL: String
    public let prefix: String
    private let credentials: AsyncOSCredentials
    private let httpClient: HTTPClient
    private let timeout: TimeAmount
    private let logger: Logger
    private var token: String?
    /// Logins made by this session (for tests and logs).
    public private(set) var logins = 0

    public init(
        baseURL: String, prefix: String, credentials: AsyncOSCredentials, httpClient: HTTPClient, timeoutSeconds: Double = 30,
        logger: Logger = Logger(label: "threatfeed.asyncos")
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.prefix = prefix
        self.credentials = credentials
        self.httpClient = httpClient
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.logger = logger
    }

    /// Logs in unless a token is held.
    public func ensureLoggedIn() async throws(AsyncOSError) {
        if token == nil { try await login() }
    }

    /// Sends `body` to `{prefix}{path}` with the token, logging in first if needed; a 401 logs in
    /// again once and repeats the request (the first one was refused, so nothing was done twice).
    /// Any other answer, 401 after a fresh login included, is returned for the caller to judge.
    public func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws(AsyncOSError) -> AsyncOSResponse {
        try await ensureLoggedIn()
        var response = try await exchange(method, path, body: body, token: token)
        if response.status == 401 {
            logger.info("AsyncOS token no longer accepted; logging in again", metadata: ["path": "\(prefix + path)"])
            token = nil
            try await login()
            response = try await exchange(method, path, body: body, token: token)
        }
        if let refreshed = response.headers.first(name: Self.refreshHeader), !refreshed.isEmpty { token = refreshed }
        return response
    }

    /// Forgets the token (the next request logs in).
    public func logout() { token = nil }

    private struct LoginBody: Encodable {
        struct Inner: Encodable {
            var userName: String
            var passphrase: String
        }
        var data: Inner
    }


    private func login() async throws(AsyncOSError) {
        let endpoint = prefix + "/login"
        let body = LoginBody(
            data: .init(
                userName: Data(credentials.username.utf8).base64EncodedString(),
                passphrase: Data(credentials.passphrase.utf8).base64EncodedString()
            )
        )
        let encoded: Data
        do { encoded = try JSONEncoder().encode(body) } catch { throw .malformedLogin(endpoint: endpoint, problem: "cannot encode the login") }
        let response = try await exchange(.POST, "/login", body: encoded, token: nil)
        logins += 1
        switch response.status {
        case 200..<300:
            guard let jwt = AsyncOSAnswer.jwtToken(in: response.body) else {
                throw .malformedLogin(endpoint: endpoint, problem: "the body is not the AsyncOS JSON envelope")
            }
            guard !jwt.isEmpty else {
                throw .malformedLogin(endpoint: endpoint, problem: "'data.jwtToken' is missing or empty")
            }
            token = jwt
            logger.debug("AsyncOS login succeeded", metadata: ["endpoint": "\(endpoint)"])
        case 401, 403:
            throw .credentialsRejected(endpoint: endpoint, status: response.status)
        default:
            throw .loginRefused(endpoint: endpoint, status: response.status, message: errorMessage(in: response.body))
        }
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: Data?, token: String?) async throws(AsyncOSError) -> AsyncOSResponse {
        let endpoint = prefix + path
        var request = HTTPClientRequest(url: baseURL + endpoint)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "jwtToken", value: token) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            if (300..<400).contains(response.status.code) {
                throw AsyncOSError.redirected(
                    endpoint: endpoint, status: Int(response.status.code),
                    location: RedirectLocation.describe(response.headers.first(name: "Location"))
                )
            }
            let buffer = try await response.body.collect(upTo: Self.maxBody)
            return AsyncOSResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
        } catch let error as AsyncOSError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            if Task.isCancelled { throw .cancelled }
            throw .unreachable(endpoint: endpoint, problem: Self.plain(error) ?? scrub("\(error)"))
        }
    }

    /// The usual transport failures in an administrator's words (NIO's own text reads "connection reset" for a refusal).
    static func plain(_ error: any Error) -> String? {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused (is the appliance's API enabled on this port?)"
            case ECONNRESET: return "connection reset by the appliance"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            default: return nil
            }
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "no connection within the connect timeout"
            case .deadlineExceeded, .readTimeout: return "no answer within the request timeout"
            default: return nil
            }
        }
        return nil
    }

    /// The AsyncOS envelope's `error.message` (and explanation), scrubbed and shortened.
    func errorMessage(in data: Data) -> String? {
        AsyncOSAnswer.errorMessage(in: data).map { String(scrub($0).prefix(200)) }
    }

    /// Removes our secrets from text that came from outside, in case a server or a library echoes them.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in credentials.secrets + [token].compactMap({ $0 }) where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }
}
