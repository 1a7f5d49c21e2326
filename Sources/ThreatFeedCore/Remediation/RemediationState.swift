/// Where one remediation (message, action) stands. The exactly-once rule lives in these moves:
/// `pending` → `sending` is committed before the request leaves; `sending` → `done` after a 2xx.
/// A row still `sending` when the process starts was interrupted while SMA was answering: it
/// becomes `unconfirmed` and is never resent on its own (SMA may have acted on it).
public enum RemediationState: String, Sendable, Codable, CaseIterable, Comparable {
    case pending
    case sending
    case done
    /// Permanent refusal (4xx other than 401/429) or retries exhausted; SMA's answer is kept.
    case failed
    /// The process died while waiting for SMA's answer; check SMA's remediation report, then
    /// `threatfeed actions retry` if it was not remediated.
    case unconfirmed
    /// Dry-run: recorded what would have been sent; nothing was sent.
    case dryRun = "dry_run"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// States `actions retry` may put back to pending.
    public var isRetryable: Bool { self == .failed || self == .unconfirmed || self == .dryRun }
}
