import AsyncHTTPClient
import NIOSSL

/// The HTTP client for the SMA: the shared one, or, with a CA file, one that also trusts that
/// private CA (AsyncOS appliances often present a certificate from the company's own CA).
public enum RemediationHTTPClient {
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
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.certificates(certificates)]
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
