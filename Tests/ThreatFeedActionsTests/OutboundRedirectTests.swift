import AsyncHTTPClient
import Foundation
import Testing
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedTesting

/// The production outbound client (`OutboundHTTPClient.shared`) never follows a redirect: the AsyncOS session
/// reports it naming the location, without its query, and the credentials go nowhere else.
@Suite struct OutboundRedirectTests {
    @Test(arguments: [302, 307, 308])
    func aRedirectedLoginIsAnErrorAndIsNotFollowed(status: Int) async throws {
        try await RemediationHarness.run { harness in
            // Back to the fake's own login: followed, it would log in (a 307/308 re-sends the passphrase).
            let target = "http://127.0.0.1:\(harness.port)/sma/api/v2.0/login?jwt=leaked-token"
            harness.fake.inject(.redirect(status: status, location: target), on: .login)
            let session = harness.session(harness.configuration())
            do {
                try await session.ensureLoggedIn()
                Issue.record("the redirect was followed")
            } catch let error as AsyncOSError {
                #expect(error == .redirected(endpoint: "/sma/api/v2.0/login", status: status, location: "http://127.0.0.1:\(harness.port)/sma/api/v2.0/login"))
                #expect(!error.description.contains("leaked-token"))
                #expect(!error.description.contains(FakeSMA.passphrase))
                #expect(!error.isTransient)
            }
            #expect(harness.fake.logins == 0)
            #expect(harness.fake.failedLogins == 0)
        }
    }
}
