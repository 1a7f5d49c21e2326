import Testing

@testable import ThreatFeedCore

/// The helpers the import rewrote byte by byte give the same text as the obvious versions they replaced.
@Suite struct ByteLevelHelpersTests {
    @Test(arguments: [
        "mail.example.com", "example", "a..b", ".leading.dot", "trailing.dot.", "...", "", "xn--bcher-kva.example",
        "bücher.example", "1.2.3.4", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p",
    ])
    func domainKeyReversesTheLabels(host: String) {
        let obvious = host.split(separator: ".", omittingEmptySubsequences: true).reversed().joined(separator: ".") + "."
        #expect(LookupHostKey.domainKey(host) == obvious)
    }

    @Test func uuidFromRandomBitsIsV4AndUsesEveryByte() {
        let zero = RandomUUID.v4(random: (0, 0))
        #expect(zero == "00000000-0000-4000-8000-000000000000")
        let ones = RandomUUID.v4(random: (.max, .max))
        #expect(ones == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        // Bytes in order: the low byte of the first word first.
        let counting = RandomUUID.v4(random: (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908))
        #expect(counting == "00010203-0405-4607-8809-0a0b0c0d0e0f")
        for _ in 0..<1_000 { #expect(RandomUUID.isV4(RandomUUID.v4())) }
        #expect(Set((0..<1_000).map { _ in RandomUUID.v4() }).count == 1_000)
    }
}
