/// What can go wrong talking to an AsyncOS API (SMA or ESA), worded for the operator. Built only
/// from scrubbed text: no passphrase or JWT ever reaches a message.
public enum AsyncOSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The login answered 401 (or 403): the user name or passphrase is wrong, or the account may not use the API.
    case credentialsRejected(endpoint: String, status: Int)
    /// The login answered something else that is not a 2xx.
    case loginRefused(endpoint: String, status: Int, message: String?)
    /// The login answered 2xx without a usable `data.jwtToken`.
    case malformedLogin(endpoint: String, problem: String)
    /// No answer: connection refused or reset, timeout, TLS failure.
    case unreachable(endpoint: String, problem: String)
    /// A 3xx: never followed (our credentials would go with it); `location` is shown without user info or query.
    case redirected(endpoint: String, status: Int, location: String)
    case cancelled

    public var description: String {
        switch self {
        case .credentialsRejected(let endpoint, let status):
            "AsyncOS rejected the user name or passphrase (HTTP \(status) from \(endpoint)); check remediation.username and remediation.password"
        case .loginRefused(let endpoint, let status, let message):
            "AsyncOS refused the login (HTTP \(status) from \(endpoint))\(message.map { ": \($0)" } ?? "")"
        case .malformedLogin(let endpoint, let problem):
            "AsyncOS sent an unexpected login answer from \(endpoint): \(problem)"
        case .unreachable(let endpoint, let problem):
            "AsyncOS did not answer \(endpoint): \(problem)"
        case .redirected(let endpoint, let status, let location):
            "AsyncOS answered \(endpoint) with a redirect (HTTP \(status) to \(location)), which is not followed; check the appliance URL (https, host and port of the API)"
        case .cancelled:
            "the AsyncOS request was cancelled"
        }
    }

    /// Whether trying again later may help without a configuration change.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .cancelled: true
        case .loginRefused(_, let status, _): status == 429 || status >= 500
        case .malformedLogin: true
        case .credentialsRejected, .redirected: false
        }
    }
}
