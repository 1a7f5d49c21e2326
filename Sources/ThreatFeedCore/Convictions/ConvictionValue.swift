/// One value a conviction carried and what the safety policy decided for it. Kept with the
/// conviction so that `etd held-back` can show what was kept out and why, and `etd simulate` can
/// judge the same values again under the policy as it is now.
public struct ConvictionValue: Sendable, Equatable, Codable {
    /// Where in the message it came from: `senderIP`, `senderDomain`, `url`, `attachmentSHA256`.
    public var kind: String
    /// The value as an observable; nil when the message carried something that is not one.
    public var observable: Observable?
    /// The text as the message carried it (cut to `rawLimit`), for values that are no observable.
    public var raw: String
    /// Nil: published.
    public var heldBack: HoldBackReason?

    /// Invalid values are shown to an administrator, not parsed: a bound keeps a hostile message small.
    public static let rawLimit = 512

    public init(kind: String, observable: Observable?, raw: String, heldBack: HoldBackReason?) {
        self.kind = kind
        self.observable = observable
        self.raw = raw.count > Self.rawLimit ? String(raw.prefix(Self.rawLimit)) : raw
        self.heldBack = heldBack
    }

    /// What a person reads: the normalised value, else the raw text.
    public var text: String { observable?.value ?? raw }
}
