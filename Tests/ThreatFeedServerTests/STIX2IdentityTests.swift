import Testing
import ThreatFeedFormats
import ThreatFeedServer

@Suite struct STIX2IdentityTests {
    @Test func theProducersIdentityIsTheSameEverywhereAndDiffersByName() {
        let acme = STIX2Identity.id(producerName: "ACME SOC")
        #expect(acme == STIX2Identity.id(producerName: "ACME SOC"), "the same on every instance and restart")
        #expect(acme != STIX2Identity.id(producerName: "ThreatFeed"))
        #expect(STIX2ObjectID.isWellFormed(acme))
        // Laid out as a version 4, RFC 4122 variant UUID: stix2-validator wants v4 ids on SDOs.
        let uuid = Array(acme.dropFirst("identity--".count))
        #expect(uuid[14] == "4")
        #expect("89ab".contains(uuid[19]))
    }
}
