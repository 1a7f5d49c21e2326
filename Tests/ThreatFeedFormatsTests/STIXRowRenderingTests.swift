import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedXML

@testable import ThreatFeedFormats

/// The pieces a poll renders straight from a row's bytes (id suffixes, timestamps from integers, escaping of
/// borrowed UTF-8) against independent references: the `String`-based code they replaced, Foundation's calendar.
@Suite struct STIXRowRenderingTests {
    /// How the id suffix was written from a `String` before rows (scalar by scalar, after a character-wise prefix).
    static func referenceSuffix(_ id: String) -> String {
        let bare = id.hasPrefix("judgement-") ? id.dropFirst("judgement-".count) : Substring(id)
        let mapped = String(String.UnicodeScalarView(bare.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x2D: scalar
            default: "-"
            }
        }))
        return mapped.isEmpty ? "unnamed" : mapped
    }

    @Test(arguments: [
        "judgement-00000000-0000-4000-8000-000000000001", "", "judgement-", "judgement", "weird:id with/colons",
        "judgement-\u{301}abc",  // a combining mark joins the dash: the prefix is not there, character-wise
        "judgement-\u{200D}x", "judgement-\u{E9}t\u{E9}", "judgement-judgement-x", "\u{1F600}\u{1F600}", "a\u{0}b",
        "\u{E9}", "judgement-\u{FFFF}", "ab\u{10FFFF}cd", "judgement-<&>\"'", String(repeating: "judgement-\u{E9}-", count: 1_000),
    ])
    func idSuffixFromBytesIsTheStringOne(id: String) {
        #expect(STIXPackageRenderer.idSuffix(id) == Self.referenceSuffix(id))
    }

    /// `YYYY-MM-DDThh:mm:ss.ffffffZ` from Foundation's Gregorian calendar (valid from 1583 on), fraction floored.
    static func referenceTimestamp(_ micros: Int64) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let (wholeSeconds, wholeFraction) = fraction < 0 ? (seconds - 1, fraction + 1_000_000) : (seconds, fraction)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(wholeSeconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!,
            Int(wholeFraction)
        )
    }

    @Test(arguments: [
        Int64(0), -1, 1, 999_999, 1_000_000, -999_999, -1_000_000, -1_000_001,
        951_782_400_000_000,  // 2000-02-29
        951_868_799_999_999,  // 2000-02-29, last microsecond
        4_107_542_400_000_000,  // 2100-03-01 (2100 is no leap year)
        1_705_320_000_123_456, 1_798_761_599_999_999,  // 2026-12-31, last microsecond
        253_402_300_799_999_999,  // 9999-12-31T23:59:59.999999Z
        -12_212_553_600_000_000,  // 1583-01-01
    ])
    func timestampsFromIntegersMatchTheCalendar(micros: Int64) {
        var bytes: [UInt8] = []
        TAXIITimestamp.append(TimestampLabel(microseconds: micros), to: &bytes)
        #expect(bytes.count == TAXIITimestamp.length)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.referenceTimestamp(micros))
    }

    @Test func theFirstYearIsWrittenWithFourDigits() {
        #expect(TAXIITimestamp.string(from: TimestampLabel(microseconds: -62_135_596_800_000_000)) == "0001-01-01T00:00:00.000000Z")
    }

    /// Escaping one character at a time, as the XML writer documents it: the reference for the table-driven scan.
    static func referenceEscape(_ text: String, attribute: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let awkward: [String] = [
        "", "plain.example.com", "a<b>&c\"d'e", "tab\tcr\rlf\ncrlf\r\n", "\u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}\u{7F}",
        "\u{FFFE}\u{FFFF}\u{FFFD}\u{FEFF}\u{EFBF}", "\u{E9}t\u{E9} \u{1F600} \u{10FFFF}", "&&&&<<<<>>>>", "x&", "<x",
        String(repeating: "https://example.com/path?q=1&r=<2>", count: 60),
        String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    @Test(arguments: awkward)
    func textEscapingOfBorrowedBytesIsTheReference(text: String) {
        var fromBytes: [UInt8] = []
        var copy = text
        copy.withUTF8 { XMLEscaping.appendText(utf8: $0, to: &fromBytes) }
        #expect(String(decoding: fromBytes, as: UTF8.self) == Self.referenceEscape(text, attribute: false))
        #expect(XMLEscaping.escapedText(text) == Self.referenceEscape(text, attribute: false))
    }

    @Test(arguments: awkward)
    func attributeEscapingIsTheReference(text: String) {
        var bytes: [UInt8] = []
        XMLEscaping.appendAttribute(text, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.referenceEscape(text, attribute: true))
    }

    /// A row carries integers, so a date far from now renders exactly as stored, where a `Date` (a `Double` of seconds)
    /// would have lost microseconds: 9999-12-31T23:59:59.999999Z as an end time.
    @Test func aFarEndTimeRendersToTheMicrosecond() throws {
        let renderer = STIXPackageRenderer()
        let id = Array("judgement-far".utf8), value = Array("far.example".utf8), reason = Array("a <reason> & more".utf8)
        let package = id.withUnsafeBufferPointer { id in
            value.withUnsafeBufferPointer { value in
                reason.withUnsafeBufferPointer { reason -> String in
                    var writer = XMLWriter(indentWidth: 0)
                    renderer.render(
                        LiveJudgementRow(
                            id: id, label: TimestampLabel(microseconds: 1), modifiedMicros: 1_705_320_000_000_001, type: .domain, value: value,
                            disposition: .malicious, confidence: .info, reason: reason, validStartMicros: -1,
                            validEndMicros: 253_402_300_799_999_999
                        ),
                        into: &writer, depth: 0
                    )
                    return String(decoding: writer.bytes, as: UTF8.self)
                }
            }
        }
        #expect(package.contains("<indicator:End_Time>9999-12-31T23:59:59.999999Z</indicator:End_Time>"))
        #expect(package.contains("<indicator:Start_Time>1969-12-31T23:59:59.999999Z</indicator:Start_Time>"))
        #expect(package.contains(#"timestamp="2024-01-15T12:00:00.000001Z""#))
        #expect(package.contains("<indicator:Description>a &lt;reason&gt; &amp; more</indicator:Description>"))
        #expect(package.contains(#"<stix:Indicator id="threatfeed:indicator-far""#))
        #expect(package.contains("<stixCommon:Value xsi:type=\"stixVocabs:HighMediumLowVocab-1.0\">Low</stixCommon:Value>"))
        #expect(package.contains("<indicator:Title>Malicious domain</indicator:Title>"))
    }
}
