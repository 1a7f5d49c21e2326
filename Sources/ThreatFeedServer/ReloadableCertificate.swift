import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// The server certificate, replaceable while the server runs: `serve` re-reads the files on SIGHUP (a renewed
/// certificate is installed without a restart). Each new handshake takes the current certificate; connections
/// already open keep theirs and are not dropped. A reload that fails keeps the certificate in use.
public final class ReloadableCertificate: Sendable {
    public let files: TLSFiles
    private let current: Mutex<LoadedCertificate>

    public init(files: TLSFiles) throws(TLSFiles.LoadError) {
        self.files = files
        current = Mutex(try files.load())
    }

    public var notValidAfter: Date { current.withLock { $0.notValidAfter } }

    /// Reads the files again; on success new handshakes use them.
    @discardableResult
    public func reload() throws(TLSFiles.LoadError) -> LoadedCertificate {
        let loaded = try files.load()
        current.withLock { $0 = loaded }
        return loaded
    }

    /// The configuration the server starts with; its callback hands every handshake the current certificate.
    public func serverConfiguration() -> TLSConfiguration {
        var configuration = current.withLock { $0 }.configuration()
        configuration.sslContextCallback = { [self] _, promise in
            let loaded = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = loaded.chain.map { .certificate($0) }
            override.privateKey = .privateKey(loaded.key)
            promise.succeed(override)
        }
        return configuration
    }
}
