import NIOSSL

/// The PEM files `serve --tls-cert/--tls-key` names: a certificate chain (server first, then intermediates)
/// and its private key.
public struct TLSFiles: Sendable, Hashable {
    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// TLS 1.2 and later only, with the files read now so that a bad path or a key that does not match stops
    /// the start with a message naming the file, not a failed handshake later.
    public func serverConfiguration() throws(LoadError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChain)
        } catch {
            throw LoadError(description: "cannot read the TLS certificate chain \(certificateChain): \(error)")
        }
        guard !chain.isEmpty else { throw LoadError(description: "\(certificateChain) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            // The error text describes the parse failure, never the key material.
            throw LoadError(description: "cannot read the TLS private key \(privateKey): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        do {
            // Building a context checks that the key belongs to the certificate.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(description: "the TLS private key \(privateKey) does not fit the certificate \(certificateChain): \(error)")
        }
        return configuration
    }
}
