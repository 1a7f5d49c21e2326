import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// The administrator's pages over HTTP: login through the shared verifier, the session cookie, CSRF, expiry on the
/// injected clock, the security headers on every answer, and escaping of values from the store and the request.
@Suite struct AdminLoginTests {
    static let password = "a-long-admin-password"

    /// A store with an admin, a plain user, a feed with a hostile reason text, and the app on it.
    static func withAdminApp(
        _ body: @Sendable (_ client: any TestClientProtocol, _ store: Store, _ clock: TestClock) async throws -> Void
    ) async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            // Cost 4: the lowest bcrypt allows, so the tests do not wait on password checks.
            let hash = try Passwords.hash(password, cost: 4)
            try store.writeNow { writer in
                try writer.create(User(name: try EntityName("boss"), passwordHash: hash, created: writer.now))
                try writer.allow(.admin, toUser: try EntityName("boss"))
                try writer.create(User(name: try EntityName("gateway"), passwordHash: hash, created: writer.now))
                try writer.allow(.lookup, toUser: try EntityName("gateway"))
                let (indicator, _) = try writer.indicator(named: try EntityName("manual"))
                try writer.create(Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: writer.now))
                _ = try writer.record(
                    Judgement(
                        observable: try Observable(parsing: "evil.example"), source: "import", reason: "<script>alert(1)</script>",
                        validTime: ValidTime(start: writer.now)
                    ),
                    in: indicator.id
                )
            }
            let app = try buildApplication(
                store: store, configuration: ServerConfiguration(port: 0), logger: Logger(label: "test"), clock: clock.function
            )
            // The live client: it does not follow redirects, so the 303s are seen as they are.
            try await app.test(.live) { client in try await body(client, store, clock) }
        }
    }

    /// `name=value` of a Set-Cookie header of the answer.
    static func setCookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    static func cookieValue(_ header: String?) -> String? {
        header?.split(separator: ";").first.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") }
    }

    /// GET /ui/login: the nonce cookie and the form's token.
    static func loginChallenge(_ client: any TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(uri: "/ui/login", method: .get)
        #expect(response.status == .ok)
        let cookie = try #require(cookieValue(setCookie(response, AdminSessions.loginCookieName)))
        let body = String(buffer: response.body)
        let marker = "name=\"csrf\" value=\""
        let start = try #require(body.range(of: marker)).upperBound
        let csrf = String(body[start...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static func post(
        _ client: any TestClientProtocol, _ uri: String, cookies: [String: String], fields: [(String, String)]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: form(fields))
    }

    /// Logs in as `user`; the session id, or nil with the answer when refused.
    static func login(_ client: any TestClientProtocol, user: String = "boss", password: String = password) async throws -> (String?, TestResponse) {
        let (nonce, csrf) = try await loginChallenge(client)
        let response = try await post(
            client, "/ui/login", cookies: [AdminSessions.loginCookieName: nonce], fields: [("csrf", csrf), ("username", user), ("password", password)]
        )
        return (cookieValue(setCookie(response, AdminSessions.cookieName)).flatMap { $0.isEmpty ? nil : $0 }, response)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, session: String?) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: session.map { [.cookie: "\(AdminSessions.cookieName)=\($0)"] } ?? [:])
    }

    static func expectSecurityHeaders(_ response: TestResponse, _ what: String) {
        let headers = response.headers
        #expect(
            headers[.contentSecurityPolicy]
                == "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "\(what)"
        )
        #expect(headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)")
        #expect(headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(what)")
        #expect(headers[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(headers[.cacheControl] == "no-store", "\(what)")
    }

    @Test func loginOpensThePagesAndLogoutClosesThem() async throws {
        try await Self.withAdminApp { client, _, _ in
            for path in ["/ui/", "/ui/feeds/esa", "/ui/etd"] {
                let anonymous = try await Self.get(client, path, session: nil)
                #expect(anonymous.status == .seeOther, "\(path)")
                #expect(anonymous.headers[.location] == "/ui/login", "\(path)")
                Self.expectSecurityHeaders(anonymous, path)
            }
            let (session, response) = try await Self.login(client)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/")
            let cookie = try #require(Self.setCookie(response, AdminSessions.cookieName))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/ui"))
            #expect(!cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            let id = try #require(session)
            #expect(id.count == 64, "256 random bits in hex")

            for (path, text) in [("/ui/", "Overview"), ("/ui/feeds/esa", "Feed esa"), ("/ui/etd", "Remediation queue"), ("/ui/style.css", "body")] {
                let page = try await Self.get(client, path, session: id)
                #expect(page.status == .ok, "\(path)")
                #expect(String(buffer: page.body).contains(text), "\(path)")
                Self.expectSecurityHeaders(page, path)
            }
            let missing = try await Self.get(client, "/ui/feeds/no-such-feed", session: id)
            #expect(missing.status == .notFound)
            Self.expectSecurityHeaders(missing, "404")
            for path in ["/ui/no-such-page", "/ui/feeds/esa/reveal", "/ui/a/b/c"] {
                let unknown = try await Self.get(client, path, session: nil)
                #expect(unknown.status == .notFound, "\(path)")
                Self.expectSecurityHeaders(unknown, path)
            }
            let bad = try await client.execute(uri: "/ui/login", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x"))
            #expect(bad.status == .unsupportedMediaType)
            Self.expectSecurityHeaders(bad, "415")

            // Logging in again from the login page goes to the overview.
            #expect(try await Self.get(client, "/ui/login", session: id).status == .seeOther)

            // Logout needs the session's form token.
            let overview = String(buffer: try await Self.get(client, "/ui/", session: id).body)
            let marker = "action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" value=\""
            let start = try #require(overview.range(of: marker)).upperBound
            let token = String(overview[start...].prefix { $0 != "\"" })
            let forged = try await Self.post(client, "/ui/logout", cookies: [AdminSessions.cookieName: id], fields: [("csrf", (token.hasPrefix("0") ? "1" : "0") + token.dropFirst())])
            #expect(forged.status == .forbidden)
            #expect(try await Self.get(client, "/ui/", session: id).status == .ok, "a refused logout leaves the session")
            let logout = try await Self.post(client, "/ui/logout", cookies: [AdminSessions.cookieName: id], fields: [("csrf", token)])
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "/ui/login")
            #expect(Self.setCookie(logout, AdminSessions.cookieName)?.contains("Max-Age=0") == true)
            let after = try await Self.get(client, "/ui/", session: id)
            #expect(after.status == .seeOther, "the id is dead on the server, not only in the browser")
        }
    }

    @Test func wrongPasswordsUnknownUsersAndNonAdminsAreRefusedAlike() async throws {
        try await Self.withAdminApp { client, _, _ in
            for (user, password) in [("boss", "not-the-password"), ("nobody", Self.password), ("gateway", Self.password)] {
                let (session, response) = try await Self.login(client, user: user, password: password)
                #expect(session == nil, "\(user)")
                #expect(response.status == .unauthorized, "\(user)")
                #expect(String(buffer: response.body).contains(AdminController.wrongLogin), "\(user)")
                Self.expectSecurityHeaders(response, user)
            }
            // The shared per-address back-off: after five failures in a row the address waits, even with the right password.
            // (The non-admin's right password above counted as a success for the verifier.)
            for _ in 0..<5 { _ = try await Self.login(client, user: "boss", password: "still-not-it") }
            let (session, backingOff) = try await Self.login(client)
            #expect(session == nil)
            #expect(backingOff.status == .tooManyRequests)
            #expect(backingOff.headers[.retryAfter] != nil)
        }
    }

    @Test func loginWithoutAValidFormTokenIsRefusedBeforeThePasswordIsChecked() async throws {
        try await Self.withAdminApp { client, _, _ in
            let (nonce, csrf) = try await Self.loginChallenge(client)
            let (otherNonce, _) = try await Self.loginChallenge(client)
            let right = [("username", "boss"), ("password", Self.password)]
            let attempts: [([String: String], [(String, String)])] = [
                ([:], [("csrf", csrf)] + right),  // no cookie (a cross-site form)
                ([AdminSessions.loginCookieName: nonce], right),  // no token
                ([AdminSessions.loginCookieName: otherNonce], [("csrf", csrf)] + right),  // token of another form
                ([AdminSessions.loginCookieName: nonce], [("csrf", String(repeating: "a", count: 64))] + right),
            ]
            for (cookies, fields) in attempts {
                let response = try await Self.post(client, "/ui/login", cookies: cookies, fields: fields)
                #expect(response.status == .forbidden)
                #expect(Self.setCookie(response, AdminSessions.cookieName) == nil)
                Self.expectSecurityHeaders(response, "csrf")
            }
            let (session, _) = try await Self.login(client)
            #expect(session != nil, "refused forms did not count as failed passwords")
        }
    }

    @Test func sessionsExpireWhenIdleAndAfterEightHours() async throws {
        try await Self.withAdminApp { client, _, clock in
            let idle = try #require(try await Self.login(client).0)
            clock.advance(by: 29 * 60)
            #expect(try await Self.get(client, "/ui/", session: idle).status == .ok)
            clock.advance(by: 30 * 60 + 1)
            #expect(try await Self.get(client, "/ui/", session: idle).status == .seeOther, "idle 30 minutes")

            let busy = try #require(try await Self.login(client).0)
            // A request every 25 minutes keeps it from idling out: 19 × 25 min = 7 h 55 min.
            for _ in 0..<19 {
                clock.advance(by: 25 * 60)
                #expect(try await Self.get(client, "/ui/etd", session: busy).status == .ok)
            }
            clock.advance(by: 25 * 60)
            #expect(try await Self.get(client, "/ui/etd", session: busy).status == .seeOther, "8 hours after login, however busy")
        }
    }

    @Test func takingTheAdminRoleEndsTheSession() async throws {
        try await Self.withAdminApp { client, store, _ in
            let session = try #require(try await Self.login(client).0)
            #expect(try await Self.get(client, "/ui/", session: session).status == .ok)
            try store.writeNow { try $0.disallow(.admin, fromUser: try EntityName("boss")) }
            #expect(try await Self.get(client, "/ui/", session: session).status == .seeOther)
        }
    }

    @Test func valuesFromTheStoreAndTheRequestAreEscaped() async throws {
        try await Self.withAdminApp { client, _, _ in
            let session = try #require(try await Self.login(client).0)
            let page = String(buffer: try await Self.get(client, "/ui/feeds/esa?q=%3Cscript%3Ealert(2)%3C/script%3E", session: session).body)
            #expect(page.contains("evil.example"))
            #expect(!page.contains("<script"), "no markup from the store or the query")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
        }
    }

    @Test func revealShowsTheSecretOnceAndNeedsTheFormToken() async throws {
        try await Self.withAdminApp { client, store, _ in
            let secret = try #require(try store.readNow { try $0.feed(named: try EntityName("esa")) }).secret.reveal
            let session = try #require(try await Self.login(client).0)
            let page = String(buffer: try await Self.get(client, "/ui/feeds/esa", session: session).body)
            #expect(!page.contains(secret))
            let marker = "action=\"/ui/feeds/esa/reveal\"><input type=\"hidden\" name=\"csrf\" value=\""
            let start = try #require(page.range(of: marker)).upperBound
            let token = String(page[start...].prefix { $0 != "\"" })
            let forged = try await Self.post(client, "/ui/feeds/esa/reveal", cookies: [AdminSessions.cookieName: session], fields: [])
            #expect(forged.status == .forbidden)
            #expect(!String(buffer: forged.body).contains(secret))
            let anonymous = try await Self.post(client, "/ui/feeds/esa/reveal", cookies: [:], fields: [("csrf", token)])
            #expect(anonymous.status == .seeOther)
            let revealed = try await Self.post(client, "/ui/feeds/esa/reveal", cookies: [AdminSessions.cookieName: session], fields: [("csrf", token)])
            #expect(revealed.status == .ok)
            #expect(String(buffer: revealed.body).contains(secret))
            Self.expectSecurityHeaders(revealed, "reveal")
            #expect(!String(buffer: try await Self.get(client, "/ui/feeds/esa", session: session).body).contains(secret))
        }
    }

    /// The feed figures are kept between pages, but never shown stale: a new judgement (a new revision) or one whose
    /// valid time ends (on the injected clock) changes the counts at the next page.
    @Test func feedFiguresFollowNewJudgementsAndValidTimes() async throws {
        try await Self.withAdminApp { client, store, clock in
            let session = try #require(try await Self.login(client).0)
            func live() async throws -> String {
                let page = String(buffer: try await Self.get(client, "/ui/feeds/esa", session: session).body)
                let marker = "<b class=\"live-count\">"
                let start = try #require(page.range(of: marker)).upperBound
                return String(page[start...].prefix { $0 != "<" })
            }
            #expect(try await live() == "1")
            try store.writeNow { writer in
                let indicator = try #require(try writer.reader.indicator(named: try EntityName("manual")))
                _ = try writer.record(
                    Judgement(
                        observable: try Observable(parsing: "short-lived.example"), source: "import",
                        validTime: ValidTime(start: writer.now, end: writer.now.addingTimeInterval(600))
                    ),
                    in: indicator.id
                )
            }
            #expect(try await live() == "2")
            #expect(try await live() == "2")
            clock.advance(by: 601)
            // The session's idle limit is 30 minutes: still logged in.
            #expect(try await live() == "1")
        }
    }
}
