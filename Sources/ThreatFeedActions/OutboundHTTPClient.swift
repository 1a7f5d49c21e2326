import AsyncHTTPClient
import NIOCore
import NIOSSL

/// The HTTP client for outbound API calls (ETD, SMA remediation, gateway blocklist): `shared`, or, with a CA file,
/// one that also trusts that private CA (AsyncOS appliances often present a certificate from the company's own CA).
///
/// Both refuse what a misbehaving or impersonated peer could abuse: redirects are not followed (the caller sees the
/// 3xx and reports it as an error naming the location; our credentials never travel to another address), and TLS
/// below 1.2 is refused.
///
/// Both fail fast on a refused connection: AsyncHTTPClient would otherwise keep reconnecting until the request's
/// deadline (30 s per attempt; swift-server/async-http-client#743), while the runners have their own backoff and
/// record each failure.
public enum OutboundHTTPClient {
    /// A CA file that cannot be used. Names the file, not the setting: the caller knows which setting named it.
    public struct CAFileError: Error, CustomStringConvertible {
        private enum Code {
            case unreadable(String)
            case empty
        }

        /// The file as given.
        public let file: String
        private let code: Code

        public var description: String {
            switch code {
            case .unreadable(let reason): "\(file): cannot read PEM certificates (\(reason))"
            case .empty: "\(file): no certificate in the file"
            }
        }

        static func unreadable(_ file: String, _ error: any Error) -> CAFileError { CAFileError(file: file, code: .unreadable("\(error)")) }
        static func empty(_ file: String) -> CAFileError { CAFileError(file: file, code: .empty) }
    }

    /// A new client trusting the system roots plus the certificates in `caFile`; the caller shuts it down.
    public static func make(caFile: String) throws(CAFileError) -> HTTPClient {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw .unreadable(caFile, error)
        }
        guard !certificates.isEmpty else { throw .empty(caFile) }
        var tls = tlsConfiguration
        tls.additionalTrustRoots = [.certificates(certificates)]
        var configuration = failingFast
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// One client for the process's lifetime (never shut down, like `HTTPClient.shared`).
    public static let shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: failingFast)

    static var failingFast: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        configuration.redirectConfiguration = .disallow
        configuration.tlsConfiguration = tlsConfiguration
        return configuration
    }

    /// The system's trust roots and TLS 1.2 or later.
    static var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}
