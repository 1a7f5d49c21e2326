import Foundation

/// Which convictions an administrator is told about.
///
/// Semantics:
/// - Three lists: monitored mailboxes, verdicts, techniques. Comparison ignores case and
///   surrounding white space.
/// - A list left empty places no condition: it matches every conviction.
/// - The lists combine with AND: a conviction is reported only when it satisfies every list
///   that is not empty.
/// - Mailboxes: satisfied when any of the conviction's recipients is monitored.
///   Verdicts: satisfied when the conviction's verdict is listed.
///   Techniques: satisfied when any of the conviction's techniques is listed (a conviction
///   with no techniques does not satisfy a non-empty technique list).
///
/// Cisco's ETD-Verdict-Watch sample combines its verdict and technique settings with OR, and
/// also lets an empty setting mean "match all". Together that makes a single setting useless:
/// configure only `VERDICT_VARIABLE = "bec"` and the empty technique setting matches every
/// message, so the OR reports everything. AND is what "only BEC convictions" means.
public struct NotificationFilter: Sendable, Equatable {
    public var mailboxes: [String]
    public var verdicts: [String]
    public var techniques: [String]

    public init(mailboxes: [String] = [], verdicts: [String] = [], techniques: [String] = []) {
        self.mailboxes = mailboxes
        self.verdicts = verdicts
        self.techniques = techniques
    }

    /// The filter that reports every conviction.
    public static let everything = NotificationFilter()

    public func matches(_ notice: ConvictionNotice) -> Bool {
        Self.satisfied(by: notice.recipients, list: mailboxes)
            && Self.satisfied(by: [notice.verdict], list: verdicts)
            && Self.satisfied(by: notice.techniques, list: techniques)
    }

    /// The notices that match, in their order.
    public func select(_ notices: [ConvictionNotice]) -> [ConvictionNotice] { notices.filter(matches) }

    private static func satisfied(by values: [String], list: [String]) -> Bool {
        let wanted = Set(list.map(normalised).filter { !$0.isEmpty })
        guard !wanted.isEmpty else { return true }
        return values.contains { wanted.contains(normalised($0)) }
    }

    private static func normalised(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
