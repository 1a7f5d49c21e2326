import Foundation
import Testing

@testable import ThreatFeedETD

/// Numbers ETD sends: Retry-After as RFC 9110 delay-seconds of any length, clamped, anything else no delay;
/// the search page's informational totalSize dropped when out of range, never failing the page.
@Suite struct ETDNumbersTests {
    @Test(arguments: [
        (#"{"data":{"messages":[]},"totalSize":99999999999999999999999}"#, nil),
        (#"{"data":{"messages":[]},"totalSize":-3}"#, nil), (#"{"data":{"messages":[]},"totalSize":1.5}"#, nil),
        (#"{"data":{"messages":[]},"totalSize":"7"}"#, nil), (#"{"data":{"messages":[]},"totalSize":7}"#, 7),
        (#"{"data":{"messages":[]},"totalSize":1e400}"#, nil),
    ] as [(String, Int?)])
    func totalSizeOutOfRangeIsDropped(body: String, total: Int?) throws {
        let page = try ETDSearchPage.decode(Data(body.utf8), endpoint: "/v1/messages/search")
        #expect(page.totalSize == total)
        #expect(page.messages.isEmpty)
    }

    @Test(arguments: [("0", 0.0), ("30", 30), (" 5", 5), ("86401", 86_400), (String(repeating: "9", count: 100), 86_400)] as [(String, Double)])
    func delaySeconds(text: String, seconds: Double) {
        #expect(ETDClient.retryAfterSeconds(text) == seconds)
    }

    @Test(arguments: ["", "-5", "1.5", "1e400", "inf", "infinity", "nan", "Wed, 21 Oct 2015 07:28:00 GMT", "0x1p3"])
    func notDelaySeconds(text: String) {
        #expect(ETDClient.retryAfterSeconds(text) == nil)
    }
}
