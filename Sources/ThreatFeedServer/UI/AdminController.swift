import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ThreatFeedCore
import ThreatFeedStore

/// The administrator's pages under `/ui/`: overview, a page per feed, the ETD page, and the login that opens them.
///
/// Read-only but for the session table (in memory) and the reveal log line. A user needs the `admin` permission;
/// passwords are checked by the shared `CredentialVerifier` (rationed bcrypt, per-address back-off). Every answer
/// carries the headers of `AdminHeadersMiddleware`.
struct AdminController: Sendable {
    let store: Store
    let configuration: ServerConfiguration
    let credentials: CredentialVerifier
    let sessions: AdminSessions
    let recorder: PollRecorder
    let clock: @Sendable () -> Date
    let renderer: AdminTemplates.Renderer

    init(
        store: Store, configuration: ServerConfiguration, credentials: CredentialVerifier, sessions: AdminSessions, recorder: PollRecorder,
        clock: @escaping @Sendable () -> Date
    ) throws {
        self.store = store
        self.configuration = configuration
        self.credentials = credentials
        self.sessions = sessions
        self.recorder = recorder
        self.clock = clock
        renderer = try AdminTemplates.Renderer()
    }

    /// The cookies are `Secure` whenever this server speaks HTTPS itself.
    var secureCookies: Bool { configuration.tls != nil }

    func addRoutes(to router: Router<AppRequestContext>) {
        // On the router, not the group: a group's middleware runs only for its routes, and a 404 or 405 under /ui/
        // (GET of a POST-only path) must carry the headers too. It touches only paths under /ui.
        router.add(middleware: AdminHeadersMiddleware())
        let ui = router.group("ui")
        ui.get("style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: AdminStylesheet.css)))
        }
        ui.get("login") { request, context in try await loginForm(request, context) }
        ui.post("login") { request, context in try await login(request, context) }
        ui.post("logout") { request, context in try await logout(request, context) }
        ui.get("") { request, context in
            guard let admin = try await admin(request) else { return Self.redirect(to: AdminRoutes.login) }
            return try await overview(admin)
        }
        ui.get("feeds/:feed") { request, context in
            guard let admin = try await admin(request) else { return Self.redirect(to: AdminRoutes.login) }
            return try await feedPage(request, context, admin: admin)
        }
        ui.post("feeds/:feed/reveal") { request, context in
            guard let admin = try await admin(request) else { return Self.redirect(to: AdminRoutes.login) }
            return try await reveal(request, context, admin: admin)
        }
        ui.get("etd") { request, context in
            guard let admin = try await admin(request) else { return Self.redirect(to: AdminRoutes.login) }
            return try await etdPage(admin)
        }
    }

    // MARK: Login and sessions

    struct Admin: Sendable {
        let session: AdminSessions.Session
        let chrome: PageChrome
    }

    /// The logged-in administrator, or nil. The user must still exist (the same account, not a new one of the same
    /// name) and still have the admin permission: `user disallow NAME admin` or `user remove` end the session here.
    private func admin(_ request: Request) async throws -> Admin? {
        guard let id = request.cookies[AdminSessions.cookieName]?.value, let session = await sessions.session(id: id) else { return nil }
        let stillAdmin = try await store.read { reader -> Bool in
            guard let name = try? EntityName(session.userName), let user = try reader.user(named: name), user.id == session.userID else { return false }
            return try reader.userHas(.admin, userID: user.id)
        }
        guard stillAdmin else {
            await sessions.end(id: id)
            return nil
        }
        return Admin(session: session, chrome: PageChrome(userName: session.userName, formToken: await sessions.formToken(for: session)))
    }

    private func loginForm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        if try await admin(request) != nil { return Self.redirect(to: AdminRoutes.overview) }
        return try await loginPage(status: .ok, username: "", message: nil)
    }

    /// The login form with a fresh CSRF challenge: the nonce in a cookie, its HMAC in the form.
    private func loginPage(status: HTTPResponse.Status, username: String, message: String?, headers extra: HTTPFields = [:]) async throws -> Response {
        let (nonce, token) = await sessions.loginChallenge()
        var response = try render(LoginPage(csrf: token, username: username, message: message), template: "login", status: status)
        response.headers.append(contentsOf: extra)
        response.headers[values: .setCookie].append(cookie(AdminSessions.loginCookieName, nonce, maxAge: 3_600))
        return response
    }

    private func login(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(request, context)
        let username = String((form["username"] ?? "").prefix(128))
        guard await sessions.loginTokenMatches(nonce: request.cookies[AdminSessions.loginCookieName]?.value, token: form["csrf"]) else {
            context.logger.notice("admin login refused: missing or wrong form token", metadata: ["client": "\(context.clientAddress)"])
            return try await loginPage(
                status: .forbidden, username: username, message: "The form was out of date or did not come from this server. Please log in again."
            )
        }
        let password = form["password"] ?? ""
        guard !username.isEmpty, !password.isEmpty, password.utf8.count <= 1_024 else {
            return try await loginPage(status: .badRequest, username: username, message: "Enter a user name and a password.")
        }
        switch try await credentials.authenticate(BasicCredentials(user: username, password: password), from: context.clientAddress) {
        case .verified(let user):
            guard try await store.read({ try $0.userHas(.admin, userID: user.id) }) else {
                context.logger.notice("admin login refused: not an admin", metadata: ["user": "\(user.name.value)", "client": "\(context.clientAddress)"])
                return try await loginPage(status: .unauthorized, username: username, message: Self.wrongLogin)
            }
            let id = await sessions.start(userID: user.id, userName: user.name.value)
            context.logger.notice("admin logged in", metadata: ["user": "\(user.name.value)", "client": "\(context.clientAddress)"])
            var response = Self.redirect(to: AdminRoutes.overview)
            response.headers[values: .setCookie].append(cookie(AdminSessions.cookieName, id, maxAge: nil))
            response.headers[values: .setCookie].append(cookie(AdminSessions.loginCookieName, "", maxAge: 0))
            return response
        case .wrong:
            context.logger.notice("admin login refused: wrong user name or password", metadata: ["client": "\(context.clientAddress)"])
            return try await loginPage(status: .unauthorized, username: username, message: Self.wrongLogin)
        case .backingOff(let until):
            let seconds = max(1, Int(until.timeIntervalSince(clock()).rounded(.up)))
            return try await loginPage(
                status: .tooManyRequests, username: username,
                message: "Too many failed logins from your address. Try again in \(AdminText.span(TimeInterval(seconds))).",
                headers: [.retryAfter: "\(seconds)"]
            )
        case .busy:
            return try await loginPage(
                status: .serviceUnavailable, username: username, message: "The server is busy checking passwords. Try again in a moment.",
                headers: [.retryAfter: "1"]
            )
        }
    }

    static let wrongLogin = "Wrong user name or password, or the user is not an administrator."

    private func logout(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(request, context)
        guard let id = request.cookies[AdminSessions.cookieName]?.value, let admin = try await admin(request) else {
            return Self.redirect(to: AdminRoutes.login)
        }
        guard await sessions.formTokenMatches(form["csrf"], session: admin.session) else { return try csrfRefused(admin) }
        await sessions.end(id: id)
        context.logger.notice("admin logged out", metadata: ["user": "\(admin.session.userName)"])
        var response = Self.redirect(to: AdminRoutes.login)
        response.headers[values: .setCookie].append(cookie(AdminSessions.cookieName, "", maxAge: 0))
        return response
    }

    private func csrfRefused(_ admin: Admin) throws -> Response {
        try render(
            MessagePage(title: "Refused", message: "The form was out of date or did not come from this page. Open the page again and retry.", chrome: admin.chrome),
            template: "message", status: .forbidden
        )
    }

    /// `name=value; HttpOnly; SameSite=Strict; Path=/ui` (+ `Secure` under TLS); `maxAge` 0 deletes it.
    private func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/ui", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    // MARK: Pages

    private func overview(_ admin: Admin) async throws -> Response {
        await recorder.flush()  // the last few seconds of polls too
        let now = clock()
        let configuration = configuration
        let (feeds, clientPolls, etd) = try await store.read { reader in
            (
                try reader.feeds().map { OverviewFacts.FeedFacts(feed: $0, statistics: try reader.statistics(ofIndicator: $0.indicatorID, at: now)) },
                try reader.clientPolls(limit: 1_000),
                ConvictionChainHealth(
                    try reader.convictionChainStatus(blocklist: configuration.blocklistList),
                    now: now, pollingEnabled: configuration.etdPollingEnabled,
                    remediation: (configuration.remediationEnabled, configuration.remediationDryRun),
                    notificationsEnabled: configuration.notificationsEnabled,
                    blocklist: (configuration.blocklistEnabled, configuration.blocklistDryRun)
                )
            )
        }
        let facts = OverviewFacts(feeds: feeds, clientPolls: clientPolls, etd: etd, now: now)
        return try render(OverviewPage(facts: facts, chrome: admin.chrome), template: "overview")
    }

    private func feedFacts(named name: String) async throws -> FeedFacts? {
        guard let feedName = try? EntityName(name) else { return nil }
        let now = clock()
        return try await store.read { reader -> FeedFacts? in
            guard let feed = try reader.feed(named: feedName) else { return nil }
            // The figures are sums of a few rows of judgement_tally, read in the same snapshot as the rest.
            let since = CalendarBucket.start(ofDay: CalendarBucket.day(of: now) - Int64(FeedPage.days) + 1)
            return FeedFacts(
                feed: feed, statistics: try reader.statistics(ofIndicator: feed.indicatorID, at: now),
                types: try reader.liveObservableTypes(ofIndicator: feed.indicatorID, at: now),
                additions: try reader.additionsPerDay(ofIndicator: feed.indicatorID, since: since),
                ends: try reader.endsPerDay(ofIndicator: feed.indicatorID, since: since, now: now),
                pollHours: try reader.pollsPerHour(feed: feed.name.value, since: now.addingTimeInterval(-Double(FeedPage.hours) * 3_600)),
                newest: try reader.newestJudgements(ofIndicator: feed.indicatorID, limit: FeedPage.newestLimit),
                grantedUsers: try reader.usersGranted(feed: feed.id).map(\.name.value), now: now
            )
        }
    }

    static let maxQueryLength = 2_048

    private func feedPage(_ request: Request, _ context: AppRequestContext, admin: Admin) async throws -> Response {
        let name = context.parameters.get("feed") ?? ""
        await recorder.flush()
        guard let facts = try await feedFacts(named: name) else { return try notFound(admin, what: "feed") }
        var search: FeedSearch?
        if let query = request.uri.queryParameters["q"].map(String.init), !query.trimmingCharacters(in: .whitespaces).isEmpty {
            if query.count > Self.maxQueryLength {
                search = FeedSearch(query: String(query.prefix(Self.maxQueryLength)), report: nil, error: "The value is longer than \(Self.maxQueryLength) characters.")
            } else {
                do {
                    let subject = try LookupTerm.parse(query.trimmingCharacters(in: .whitespaces))
                    search = FeedSearch(query: query, report: try await store.lookup([subject], now: clock()), error: nil)
                } catch let error as ObservableError {
                    search = FeedSearch(query: query, report: nil, error: error.description)
                }
            }
        }
        return try render(FeedPage(facts: facts, search: search, publicBase: configuration.publicBase, chrome: admin.chrome), template: "feed")
    }

    /// Shows the feed's secret once, on this answer only, and logs who asked (never the secret).
    private func reveal(_ request: Request, _ context: AppRequestContext, admin: Admin) async throws -> Response {
        let form = try await Self.form(request, context)
        guard await sessions.formTokenMatches(form["csrf"], session: admin.session) else { return try csrfRefused(admin) }
        let name = context.parameters.get("feed") ?? ""
        guard let facts = try await feedFacts(named: name) else { return try notFound(admin, what: "feed") }
        context.logger.notice(
            "feed secret revealed on the admin page", metadata: ["user": "\(admin.session.userName)", "feed": "\(facts.feed.name.value)", "client": "\(context.clientAddress)"]
        )
        return try render(
            FeedPage(facts: facts, search: nil, publicBase: configuration.publicBase, chrome: admin.chrome, revealedSecret: facts.feed.secret.reveal),
            template: "feed"
        )
    }

    private func etdPage(_ admin: Admin) async throws -> Response {
        let now = clock()
        let configuration = configuration
        let facts = try await store.read { reader in
            let since = CalendarBucket.start(ofDay: CalendarBucket.day(of: now) - Int64(ETDPage.days) + 1)
            let report = ConvictionChainHealth(
                try reader.convictionChainStatus(blocklist: configuration.blocklistList),
                now: now, pollingEnabled: configuration.etdPollingEnabled, remediation: (false, false), notificationsEnabled: false,
                blocklist: (false, false)
            )
            return ETDFacts(
                convictions: try reader.convictionsPerDay(since: since), heldBackByReason: report.heldBack,
                heldBack: try reader.heldBackValues(since: .distantPast, reason: nil, limit: ETDPage.heldLimit),
                queue: try reader.remediationQueue(limit: ETDPage.queueLimit), now: now
            )
        }
        return try render(ETDPage(facts: facts, chrome: admin.chrome), template: "etd")
    }

    private func notFound(_ admin: Admin, what: String) throws -> Response {
        try render(MessagePage(title: "Not found", message: "There is no such \(what).", chrome: admin.chrome), template: "message", status: .notFound)
    }

    // MARK: -

    private func render(_ page: Any, template: String, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = renderer.html(page, template: template) else {
            throw HTTPError(.internalServerError, message: "page template \(template) is missing")
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The form body, at most `AdminForm.maxBytes`; a form of another type is refused.
    static func form(_ request: Request, _ context: AppRequestContext) async throws -> AdminForm {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false else {
            throw HTTPError(.unsupportedMediaType, message: "forms are sent as application/x-www-form-urlencoded")
        }
        let buffer = try await request.body.collect(upTo: AdminForm.maxBytes)
        return AdminForm(String(buffer: buffer))
    }
}

extension BasicCredentials {
    /// The login form's fields, checked like a gateway's Basic credentials.
    init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}
