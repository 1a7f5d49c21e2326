import Testing
import ThreatFeedCore

@Suite struct LogEscapingTests {
    @Test(arguments: [
        ("plain /ctia/feed/x/view", "plain /ctia/feed/x/view"),
        ("gw\r\nlevel=error msg=forged", #"gw\r\nlevel=error msg=forged"#),
        ("tab\there", #"tab\there"#),
        ("\u{1B}[31mred\u{1B}[0m", #"\e[31mred\e[0m"#),
        ("nul\u{0}bell\u{7}del\u{7F}", #"nul\x00bell\x07del\x7F"#),
        ("c1\u{85}csi\u{9B}", #"c1\x85csi\x9B"#),
        ("line\u{2028}para\u{2029}", #"line\u{2028}para\u{2029}"#),
        ("rlo\u{202E}txt", #"rlo\u{202E}txt"#),
        (#"back\slash\n"#, #"back\\slash\\n"#),
        ("ünïcödé 名前", "ünïcödé 名前"),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(LogEscaping.escaped(input) == expected)
    }

    /// Whatever comes in, what goes out has no control character and no line break of any kind.
    @Test func noControlCharacterSurvivesAnyInput() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                let value = [UInt32.random(in: 0...0xFF, using: &generator), UInt32.random(in: 0x2000...0x206F, using: &generator)].randomElement()!
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let output = LogEscaping.escaped(String(scalars))
            #expect(!output.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isBidiControl || $0 == "\u{2028}" || $0 == "\u{2029}" })
            #expect(!output.contains { $0.isNewline })
        }
    }
}

@Suite struct RedirectLocationTests {
    @Test(arguments: [
        ("https://evil.example/steal?token=abc#frag", "https://evil.example/steal"),
        ("https://user:pass@evil.example:8443/x?y=1", "https://evil.example:8443/x"),
        ("/relative/path?secret=1", "/relative/path"),
        ("http://a@b@host.example/p", "http://host.example/p"),
        ("https://host.example/\r\nforged", #"https://host.example/\r\nforged"#),
    ])
    func locationsAreShownWithoutSecrets(_ location: String, _ shown: String) {
        #expect(RedirectLocation.describe(location) == shown)
    }

    @Test func missingLocation() {
        #expect(RedirectLocation.describe(nil) == "no Location header")
    }
}
