/// Why a sync run stopped, worded for the operator; no passphrase or token ever reaches it.
public enum BlocklistSyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `blocklist.indicator` names no indicator.
    case unknownIndicator(String)
    case asyncOS(AsyncOSError)
    /// The gateway refused a request for good (4xx other than 401, 404 on delete, 409 on add), or kept failing.
    case refused(method: String, path: String, value: String, status: Int, message: String?)
    /// A list view answered something we cannot read.
    case malformedView(path: String)
    case store(String)

    public var description: String {
        switch self {
        case .unknownIndicator(let name):
            "blocklist.indicator '\(name)' names no indicator; create it or import into it first"
        case .asyncOS(.credentialsRejected(let endpoint, let status)):
            "AsyncOS rejected the user name or passphrase (HTTP \(status) from \(endpoint)); check blocklist.username and blocklist.password"
        case .asyncOS(let error):
            error.description
        case .refused(let method, let path, let value, let status, let message):
            "\(method) \(path) for \(value) answered HTTP \(status)\(message.map { ": \($0)" } ?? "")"
        case .malformedView(let path):
            "GET \(path) did not answer the AsyncOS list envelope (meta.totalCount)"
        case .store(let problem):
            "database: \(problem)"
        }
    }
}
