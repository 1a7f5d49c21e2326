/// What a user may do besides polling the feeds granted to it.
public enum UserPermission: String, CaseIterable, Sendable {
    /// `POST /lookup` with the user's Basic credentials.
    case lookup
    /// The administrator's pages under `/ui/` (login with the user's password).
    case admin

    public static var namesForHelp: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
