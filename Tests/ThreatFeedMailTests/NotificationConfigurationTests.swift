import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedMail

@Suite struct NotificationConfigurationTests {
    static func valid() -> NotificationConfiguration {
        var configuration = NotificationConfiguration(smtpHost: "smtp.corp.example", from: "threatfeed@corp.example", to: ["soc@corp.example"])
        configuration.username = "mailer"
        configuration.password = "pa55-word"
        return configuration
    }

    @Test func theDefaultsWithCredentialsAreValid() throws {
        let configuration = Self.valid()
        try configuration.validate()
        #expect(configuration.clientConfiguration.port == 587)
        #expect(configuration.clientConfiguration.tlsMode == .required)
        #expect(configuration.clientConfiguration.credentials == SMTPCredentials(username: "mailer", password: "pa55-word"))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let field: NotificationConfiguration.Field
        let change: @Sendable (inout NotificationConfiguration) -> Void
        var testDescription: String { field.rawValue }
    }

    static let cases: [Case] = [
        Case(field: .smtpHost) { $0.smtpHost = " " },
        Case(field: .smtpHost) { $0.smtpHost = "smtp.corp.example\r\nRCPT" },
        Case(field: .smtpPort) { $0.smtpPort = 0 },
        Case(field: .caFile) { $0.caFile = "/nonexistent/ca.pem" },
        Case(field: .password) { $0.password = nil },
        Case(field: .username) { $0.username = "" },
        Case(field: .tlsMode) { $0.tlsMode = .off },
        Case(field: .from) { $0.from = "ThreatFeed <threatfeed@corp.example>" },
        Case(field: .to) { $0.to = [] },
        Case(field: .to) { $0.to = ["soc@corp.example", "not an address"] },
        Case(field: .timeoutSeconds) { $0.timeoutSeconds = 0 },
        Case(field: .filter) { $0.filter = NotificationFilter(verdicts: ["bec", " "]) },
        Case(field: .retry) { $0.retry.maxAttempts = 0 },
        Case(field: .subjectPrefix) { $0.subjectPrefix = "" },
    ]

    @Test(arguments: cases)
    func errorsNameTheField(_ testCase: Case) {
        var configuration = Self.valid()
        testCase.change(&configuration)
        let error = #expect(throws: NotificationConfigurationError.self) { try configuration.validate() }
        #expect(error?.field == testCase.field, "\(String(describing: error))")
        #expect(error.map { !"\($0)".contains("pa55-word") } == true)
    }

    @Test func plainTextAuthenticationOnlyWhenAllowed() throws {
        var configuration = Self.valid()
        configuration.tlsMode = .off
        configuration.allowAuthenticationWithoutTLS = true
        try configuration.validate()
    }

    @Test func thePasswordIsNeverPrinted() {
        let configuration = Self.valid()
        #expect(!"\(configuration)".contains("pa55-word"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("pa55-word"))
    }
}
