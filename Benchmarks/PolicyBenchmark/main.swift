import Foundation
import ThreatFeedCore

// 100,000 safety-policy decisions on sender IPs with their message context, against the shipped
// provider ranges plus synthetic ranges (to reach thousands), and the same lookups by a linear scan
// over the blocks in the same run for comparison.
// Run: swift build -c release --product threatfeed-policy-bench && .build/release/threatfeed-policy-bench [feeds/policy] [extra-ranges]

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "feeds/policy"
let extra = arguments.count > 2 ? Int(arguments[2]) ?? 5_000 : 5_000
let decisions = 100_000

var random = SystemRandomNumberGenerator()
func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

var blocks: [IPRange] = []
let rangesDirectory = directory + "/provider-ranges"
for name in try FileManager.default.contentsOfDirectory(atPath: rangesDirectory).sorted() where name.hasSuffix(".txt") {
    blocks += try PolicyListParser.providerRanges(from: try read(rangesDirectory + "/" + name), file: name)
}
let shipped = blocks.count
// Synthetic /24s and /48s so the table has thousands of blocks, as an administrator's own lists might.
for i in 0..<extra {
    if i % 2 == 0 {
        let v = UInt32.random(in: 0...UInt32.max, using: &random) & 0xFFFF_FF00
        blocks.append(try IPRange(parsing: "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).0/24"))
    } else {
        let (a, b) = (UInt16.random(in: 1...0xFFFF, using: &random), UInt16.random(in: 0...0xFFFF, using: &random))
        blocks.append(try IPRange(parsing: "2a0\(i % 10):\(String(a, radix: 16)):\(String(b, radix: 16))::/48"))
    }
}
var policy = SafetyPolicy(
    freemailDomains: try PolicyListParser.domains(from: try read(directory + "/freemail-domains.txt"), file: "freemail-domains.txt"),
    providerRanges: AddressIntervalSet(blocks)
)
policy.allowlist = try PolicyListParser.allowlist(from: "partner.example.org\n203.0.113.200", file: "allowlist")

// Inputs made before timing: random v4 and v6 addresses, a quarter inside a block, with a sender that is free-mail a tenth of the time.
var inputs: [(Observable, SenderContext)] = []
inputs.reserveCapacity(decisions)
let freemail = SenderContext(fromAddress: "someone@gmail.com", returnPath: "someone@gmail.com")
let own = SenderContext(fromAddress: "billing@invoice-portal.example.org", returnPath: "bounce@invoice-portal.example.org")
for i in 0..<decisions {
    let text: String
    if i % 4 == 0 {
        text = blocks[Int.random(in: 0..<blocks.count, using: &random)].description.split(separator: "/")[0].description
    } else if i % 3 == 0 {
        let (a, b) = (UInt16.random(in: 0x4000...0xFFFF, using: &random), UInt16.random(in: 0...0xFFFF, using: &random))
        text = "2001:\(String(a, radix: 16)):\(String(b, radix: 16))::\(String(i % 0xFFFF, radix: 16))"
    } else {
        let v = UInt32.random(in: 0x0100_0000...0xDFFF_FFFF, using: &random)
        text = "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
    }
    inputs.append((try Observable(parsing: text), i % 10 == 0 ? freemail : own))
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var heldBack = 0
let clock = ContinuousClock()
var best = Double.infinity
for _ in 0..<5 {
    heldBack = 0
    let elapsed = clock.measure {
        for (observable, context) in inputs where policy.decide(observable, context: context) != .publish { heldBack += 1 }
    }
    best = min(best, seconds(elapsed))
}

// The same range lookups by a linear scan over every block (what the interval search replaces), best of 2.
var linearBest = Double.infinity
var linearHits = 0
for _ in 0..<2 {
    linearHits = 0
    let elapsed = clock.measure {
        for (observable, _) in inputs where blocks.contains(where: { $0.contains(observable.value) }) { linearHits += 1 }
    }
    linearBest = min(linearBest, seconds(elapsed))
}
let intervalHits = inputs.filter { policy.providerRanges.contains($0.0.value) }.count
precondition(intervalHits == linearHits, "interval search and linear scan disagree: \(intervalHits) vs \(linearHits)")

print("blocks: \(blocks.count) (\(shipped) shipped + \(extra) synthetic), merged intervals: \(policy.providerRanges.intervalCount)")
print("decisions: \(decisions), held back: \(heldBack), in ranges: \(intervalHits)")
print(String(format: "policy decisions (interval search): %.3f s best of 5, %.0f decisions/s", best, Double(decisions) / best))
print(String(format: "range lookups by linear scan, same inputs: %.3f s best of 2 (%.0fx slower)", linearBest, linearBest / best))
