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
    public struct CAFileError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new client trusting the system roots plus the certificates in `caFile`; the caller shuts it down.
    public static func make(caFile: String) throws(CAFileError) -> HTTPClient {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw CAFileError(description: "remediation.ca_file \(caFile): cannot read PEM certificates (\(error))")
        }
        guard !certificates.isEmpty else { throw CAFileError(description: "remediation.ca_file \(caFile): no certificate in the file") }
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
