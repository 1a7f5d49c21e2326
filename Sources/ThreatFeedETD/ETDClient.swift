import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ThreatFeedCore

/// The ETD REST API as the poller uses it: a cached access token and the paged message search.
///
/// Every request goes through the rate limiter, 429 honours `Retry-After`, 5xx and transport
/// failures (timeouts, refused or reset connections) retry with capped, jittered backoff, and a
/// 401 on an API call fetches a new token once. Secrets are sent only in headers and never logged.
public actor ETDClient {
    public static let tokenPath = "/v1/oauth/token"
    public static let searchPath = "/v1/messages/search"
    /// Documented lifetime 60 minutes; we renew 2 minutes early so a token never expires in flight.
    public static let tokenLifetime = 60.0 * 60
    public static let tokenRenewalMargin = 2.0 * 60

    private let configuration: ETDConfiguration
    private let httpClient: HTTPClient
    private let clock: any WallClock
    private let limiter: ETDRateLimiter
    private let retry: RetryPolicy
    private let logger: Logger
    private var token: (value: String, obtained: Date)?

    public init(
        configuration: ETDConfiguration, httpClient: HTTPClient, clock: any WallClock = SystemClock(),
        retry: RetryPolicy = .etd, logger: Logger = Logger(label: "threatfeed.etd")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.retry = retry
        self.logger = logger
        self.limiter = ETDRateLimiter(rate: configuration.requestsPerSecond, burst: configuration.burst, clock: clock)
    }

    // MARK: Search

    /// Searches `[start, end]` for `verdicts` and hands each page to `onPage` before asking for
    /// the next, so the caller can commit a page before the next one is fetched. Stops when
    /// `nextPageToken` is absent or empty, or a page is empty.
    ///
    /// `budget` counts the cycle's pages and holds its deadline: past either, the search throws.
    public func search(
        start: Date, end: Date, verdicts: [String], budget: ETDCycleBudget? = nil,
        onPage: @Sendable (ETDSearchPage) async throws -> Void
    ) async throws {
        var pageToken: String?
        var pages = 0
        repeat {
            try budget?.spendPage(endpoint: Self.searchPath, now: clock.now())
            let body = SearchBody(
                timestamp: [Timestamps.iso8601Milli(start), Timestamps.iso8601Milli(end)],
                verdicts: verdicts, pageSize: configuration.pageSize, pageToken: pageToken
            )
            let data = try await perform(path: Self.searchPath, body: try JSONEncoder().encode(body), authenticated: true)
            let page = try ETDSearchPage.decode(data, endpoint: Self.searchPath)
            pages += 1
            logger.debug("ETD search page", metadata: ["page": "\(pages)", "messages": "\(page.messages.count)"])
            if page.messages.isEmpty { return }
            try await onPage(page)
            pageToken = page.nextPageToken
        } while pageToken != nil
    }

    private struct SearchBody: Encodable {
        var timestamp: [String]
        var verdicts: [String]
        var pageSize: Int
        var pageToken: String?
    }

    // MARK: Token

    private struct TokenResponse: Decodable { var accessToken: String }

    /// The cached token, or a new one when there is none or it is within the renewal margin of its end.
    private func accessToken(renew: Bool = false) async throws -> String {
        if !renew, let token, clock.now().timeIntervalSince(token.obtained) < Self.tokenLifetime - Self.tokenRenewalMargin {
            return token.value
        }
        let obtained = clock.now()
        let data = try await perform(path: Self.tokenPath, body: nil, authenticated: false)
        let response = try ETDJSON.decode(TokenResponse.self, from: data, endpoint: Self.tokenPath)
        guard !response.accessToken.isEmpty else {
            throw ETDError.malformedResponse(endpoint: Self.tokenPath, problem: "'accessToken' is empty")
        }
        token = (response.accessToken, obtained)
        logger.debug("ETD access token obtained")
        return response.accessToken
    }

    // MARK: Requests

    /// POSTs `body` to `path` and returns the 2xx body, retrying what may succeed on retry.
    private func perform(path: String, body: Data?, authenticated: Bool) async throws -> Data {
        var attempt = 0
        var renewedToken = false
        while true {
            attempt += 1
            let authorization: String
            if authenticated {
                authorization = "Bearer \(try await accessToken())"
            } else {
                let pair = "\(configuration.credentials.clientID):\(configuration.credentials.clientSecret)"
                authorization = "Basic \(Data(pair.utf8).base64EncodedString())"
            }
            try await waitForSlot()
            let problem: String
            var retryAfter: Double?
            do {
                let (status, headers, data) = try await send(path: path, body: body, authorization: authorization)
                logger.debug("ETD request", metadata: ["path": "\(path)", "status": "\(status)", "attempt": "\(attempt)"])
                switch status {
                case 200..<300:
                    return data
                case 300..<400:
                    throw ETDError.redirected(
                        endpoint: path, status: status, location: RedirectLocation.describe(headers.first(name: "Location")))
                case 401 where !authenticated:
                    throw ETDError.credentialsRejected
                case 401:
                    // Expired or revoked early: one fresh token, then give up.
                    guard !renewedToken else { throw ETDError.tokenRejected(endpoint: path) }
                    renewedToken = true
                    attempt -= 1
                    token = nil
                    continue
                case 403:
                    throw ETDError.apiKeyRejected(endpoint: path)
                case 429:
                    problem = "HTTP 429"
                    retryAfter = headers.first(name: "Retry-After").flatMap(Self.retryAfterSeconds)
                case 500...599:
                    problem = "HTTP \(status)"
                default:
                    throw ETDError.requestRejected(endpoint: path, status: status, message: errorMessage(in: data))
                }
            } catch let error as ETDError {
                throw error
            } catch is CancellationError {
                throw ETDError.cancelled
            } catch {
                if Task.isCancelled { throw ETDError.cancelled }
                problem = scrub("\(error)")
            }
            guard attempt < retry.maxAttempts else {
                throw ETDError.gaveUp(endpoint: path, attempts: attempt, lastProblem: problem)
            }
            let delay = retryAfter.map { min($0, retry.maxRetryAfter) } ?? retry.delay(afterAttempt: attempt)
            logger.notice("ETD request will be retried", metadata: ["path": "\(path)", "problem": "\(problem)", "delay_s": "\(delay)"])
            do { try await clock.sleep(seconds: delay) } catch { throw ETDError.cancelled }
        }
    }

    private func waitForSlot() async throws {
        do { try await limiter.acquire() } catch { throw ETDError.cancelled }
    }

    private func send(path: String, body: Data?, authorization: String) async throws -> (Int, HTTPHeaders, Data) {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "x-api-key", value: configuration.credentials.apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.milliseconds(Int64(configuration.requestTimeout.seconds * 1000))
        let response = try await httpClient.execute(request, timeout: timeout)
        // Pages of 100 messages are well under a megabyte; 32 MiB bounds a misbehaving server.
        let buffer = try await response.body.collect(upTo: 32 << 20)
        return (Int(response.status.code), response.headers, Data(buffer.readableBytesView))
    }

    /// `Retry-After` as delay-seconds, RFC 9110's 1*DIGIT (the HTTP-date form is not used by API gateways; it is
    /// ignored, as are signs, fractions, exponents and "inf"). Any length is read without overflow, clamped to a day.
    static func retryAfterSeconds(_ text: String) -> Double? {
        let digits = text.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        var value = 0
        for byte in digits.utf8 { value = min(value * 10 + Int(byte - UInt8(ascii: "0")), 86_400) }
        return Double(value)
    }

    /// [I] Error bodies are undocumented: API-gateway style `{"message": …}` or the application's
    /// `{"error": "…"}`. Either is shown, scrubbed and shortened; anything else is left out.
    private func errorMessage(in data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        guard let text = (object["error"] as? String) ?? (object["message"] as? String), !text.isEmpty else { return nil }
        return String(scrub(text).prefix(200))
    }

    /// Removes our secrets from text that came from outside, in case a server or a library echoes them.
    private func scrub(_ text: String) -> String {
        var result = text
        for secret in configuration.credentials.secrets + [token?.value].compactMap({ $0 }) {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }
}
