import Foundation
import Logging
import Testing
import ThreatFeedActions
import ThreatFeedService
import ThreatFeedStore
import ThreatFeedTesting

/// A CA file that cannot be used is named with the setting that named it — remediation's or the blocklist's —
/// and the file, whichever action reads it.
struct CAFileSettingTests {
    @Test func theOutboundClientNamesTheFileAndWhatIsWrongWithIt() throws {
        try withTemporaryDirectorySync { dir in
            let missing = dir.file("missing.pem")
            do throws(OutboundHTTPClient.CAFileError) {
                _ = try OutboundHTTPClient.make(caFile: missing)
                Issue.record("a missing CA file was accepted")
            } catch {
                #expect(error.file == missing)
                #expect(error.description.hasPrefix("\(missing): cannot read PEM certificates ("))
            }
        }
    }

    @Test func eachActionNamesItsOwnCAFileSetting() throws {
        try withTemporaryDirectorySync { dir in
            let empty = try dir.write("empty.pem", "")
            let settings = Settings(file: nil, environment: [
                "THREATFEED_BLOCKLIST_ENABLED": "true", "THREATFEED_BLOCKLIST_URL": "https://127.0.0.1:9",
                "THREATFEED_BLOCKLIST_USERNAME": "u", "THREATFEED_BLOCKLIST_PASSWORD": "p",
                "THREATFEED_BLOCKLIST_INDICATOR": "senders", "THREATFEED_BLOCKLIST_RECIPIENTS": "ap@example.com",
                "THREATFEED_BLOCKLIST_CA_FILE": empty,
            ])
            let store = try Store(path: dir.file("ca.sqlite"))
            let configuration = try BlocklistOptions.configuration(settings)
            do {
                _ = try BlocklistOptions.runner(configuration, store: store, logger: Logger(label: "test"))
                Issue.record("an empty CA file was accepted")
            } catch let error as ConfigurationError {
                #expect(error.key == "blocklist.ca_file" && error.variable == "THREATFEED_BLOCKLIST_CA_FILE", "\(error)")
                #expect(error.description.hasPrefix("blocklist.ca_file (THREATFEED_BLOCKLIST_CA_FILE): \(empty): cannot read PEM certificates ("), "\(error)")
            }
        }
    }
}

/// Runs `body` with a temporary directory that is removed afterwards.
private func withTemporaryDirectorySync<T>(_ body: (TemporaryDirectory) throws -> T) throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}
