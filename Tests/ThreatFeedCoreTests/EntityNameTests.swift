import Testing
import ThreatFeedCore

/// Names typed by people are checked; the one constant written without the checks must pass them too.
@Suite struct EntityNameTests {
    @Test func theETDConvictionsConstantIsAValidName() throws {
        #expect(try EntityName("etd-convictions") == EntityName.etdConvictions)
    }

    @Test(arguments: ["", "-leading-dash", "has space", "ünïcode", String(repeating: "a", count: 65)])
    func invalidNamesAreRefusedWithAReason(text: String) {
        #expect(throws: EntityNameError.self) { try EntityName(text) }
    }
}
