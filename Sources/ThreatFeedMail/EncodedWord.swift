import Foundation

/// Header text for the Subject line: ASCII as is, anything else as RFC 2047 encoded words
/// (`=?UTF-8?B?…?=`), each at most 75 characters and never splitting a character's UTF-8 bytes, folded
/// onto continuation lines.
enum EncodedWord {
    /// The header's value, ready to follow "Name: ". Line breaks and controls in `text` become spaces first.
    static func headerValue(_ text: String) -> String {
        let clean = MailText.singleLine(text)
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) && clean.utf8.count <= 900 { return clean }
        // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes make 60 base64 characters: 72 in all.
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in clean.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
