import Foundation
import Testing

@testable import ThreatFeedActions

/// What we read from SMA and gateway answers: numbers in range or nothing, whatever the peer sends.
@Suite struct AsyncOSAnswerTests {
    @Test(arguments: [
        ("0", 0.0), ("120", 120), (" 7 ", 7), ("0000000000000000000000000000000000000005", 5), ("86400", 86_400),
        ("86401", 86_400), ("99999999999999999999999999999999999999999999", 86_400), ("9223372036854775808", 86_400),
    ])
    func retryAfterDelaySeconds(text: String, seconds: Double) {
        #expect(AsyncOSAnswer.retryAfterSeconds(text) == seconds)
        #expect(SMARemediationClient.retryAfterSeconds(text) == seconds)
    }

    @Test(arguments: ["", " ", "-1", "+5", "1.5", "1e3", "inf", "nan", "0x10", "Wed, 21 Oct 2015 07:28:00 GMT", "１２", "12 s"])
    func retryAfterThatIsNotDelaySecondsIsIgnored(text: String) {
        #expect(AsyncOSAnswer.retryAfterSeconds(text) == nil)
    }

    @Test(arguments: [
        (#"{"meta":{"totalCount":12}}"#, 12), (#"{"meta":{"totalCount":0}}"#, 0),
    ])
    func totalCountInRange(body: String, total: Int) {
        #expect(AsyncOSAnswer.totalCount(in: Data(body.utf8)) == total)
    }

    @Test(arguments: [
        #"{"meta":{"totalCount":-1}}"#, #"{"meta":{"totalCount":1.5}}"#, #"{"meta":{"totalCount":1e300}}"#,
        #"{"meta":{"totalCount":99999999999999999999999999}}"#, #"{"meta":{"totalCount":"12"}}"#, #"{"meta":12}"#,
        #"{"meta":{"totalCount":null}}"#, "[1]", "", "not json", #"{"meta":{"totalCount":true}}"#,
    ])
    func totalCountOutOfRangeIsNone(body: String) {
        #expect(AsyncOSAnswer.totalCount(in: Data(body.utf8)) == nil)
    }

    @Test func loginTokenAndErrorMessage() {
        #expect(AsyncOSAnswer.jwtToken(in: Data(#"{"data":{"jwtToken":"abc"}}"#.utf8)) == "abc")
        #expect(AsyncOSAnswer.jwtToken(in: Data(#"{"data":{}}"#.utf8)) == "")
        #expect(AsyncOSAnswer.jwtToken(in: Data(#"{"data":{"jwtToken":12}}"#.utf8)) == nil)
        #expect(AsyncOSAnswer.jwtToken(in: Data("<html>".utf8)) == nil)
        #expect(AsyncOSAnswer.errorMessage(in: Data(#"{"error":{"message":"no","explanation":"why"}}"#.utf8)) == "no (why)")
        #expect(AsyncOSAnswer.errorMessage(in: Data(#"{"error":{"message":7}}"#.utf8)) == nil)
    }
}
