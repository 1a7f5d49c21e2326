/// What the SMA's Search-and-Remediate does with a message, as the remediation request's `action`.
public enum RemediationAction: String, Sendable, Codable, CaseIterable {
    /// Forward a copy to `fwd_email_address`, then delete: the only value observed in Cisco's
    /// ETD-Remediation script [O], and our default.
    case fwdDelete
    /// [I] Mirrors the SMA UI's other choices; not seen on the wire in any public client.
    case delete
    /// [I] As `delete`: from the UI, unconfirmed on the API.
    case forward
}
