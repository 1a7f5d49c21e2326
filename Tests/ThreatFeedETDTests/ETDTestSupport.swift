import Foundation
import Synchronization
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedTesting

enum ETDFixtures {
    static func data(_ name: String) throws -> Data {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        return try Data(contentsOf: directory.appendingPathComponent(name))
    }
}

extension ETDConfiguration {
    /// A configuration pointed at a fake ETD on `port`. The timeout must stay well above what a
    /// loaded CI machine needs for a normal answer (a spurious timeout is a retry the test did not
    /// plan); tests of hangs pass a shorter one and make the fake hang well past it.
    static func fake(port: Int, timeout: Double = 10) -> ETDConfiguration {
        var configuration = ETDConfiguration(
            baseURL: "http://127.0.0.1:\(port)",
            credentials: ETDCredentials(clientID: FakeETD.clientID, clientSecret: FakeETD.clientSecret, apiKey: FakeETD.apiKey)
        )
        configuration.requestTimeout = TimeSpan(seconds: timeout)
        return configuration
    }
}

extension SafetyPolicy {
    /// The policy the end-to-end tests configure: our domain and gateway, one free-mail and one shortener.
    static func forTests() throws -> SafetyPolicy {
        SafetyPolicy(
            ownDomains: try PolicyListParser.domains(from: FakeETDDataSet.ownDomain, file: "own"),
            gatewayRanges: try PolicyListParser.ranges(from: FakeETDDataSet.gatewayIP, file: "gateway"),
            freemailDomains: try PolicyListParser.domains(from: "gmail.com", file: "freemail"),
            sharedHostingDomains: try PolicyListParser.domains(from: "bit.ly", file: "shared")
        )
    }
}
