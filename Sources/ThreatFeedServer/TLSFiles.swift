import Foundation
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

    /// The chain and key, read now and checked to belong together, so that a bad path or a key that does not
    /// match is reported naming the file, not as a failed handshake later.
    public func load() throws(LoadError) -> LoadedCertificate {
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
        let loaded = LoadedCertificate(chain: chain, key: key)
        do {
            // Building a context checks that the key belongs to the certificate.
            _ = try NIOSSLContext(configuration: loaded.configuration())
        } catch {
            throw LoadError(description: "the TLS private key \(privateKey) does not fit the certificate \(certificateChain): \(error)")
        }
        return loaded
    }
}

/// A certificate chain with its key, as read from the files.
public struct LoadedCertificate: Sendable {
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey

    /// When the server certificate expires, for the log line at start and at each reload.
    public var notValidAfter: Date { Date(timeIntervalSince1970: TimeInterval(chain[0].notValidAfter)) }

    /// TLS 1.2 and later only.
    func configuration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
