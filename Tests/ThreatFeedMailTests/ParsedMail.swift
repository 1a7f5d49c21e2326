import Foundation
import ThreatFeedTesting

/// `parse_mail.py`: the stored message as Python's `email` package reads it.
struct ParsedMail: Decodable {
    let subject: String
    let raw_subject_line: String?
    let from: String
    let to: [String]
    let date: String
    let message_id: String
    let mime_version: String
    let content_type: String
    let part_types: [String]
    let plain: String?
    let html: String?
    let defects: [String]
    let max_line_length: Int
    let bare_lf: Bool
    let non_ascii: Bool
    let header_names: [String]

    init(path: String) throws {
        let text = try PythonClients.output("parse_mail.py", [path])
        self = try JSONDecoder().decode(ParsedMail.self, from: Data(text.utf8))
    }
}
