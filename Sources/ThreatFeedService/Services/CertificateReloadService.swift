import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedServer
import UnixSignals

/// SIGHUP re-reads the TLS certificate and key (`systemctl reload threatfeed` after a renewal): new handshakes get
/// the new certificate, open connections keep theirs. A failed reload keeps the old one and says why. Without
/// TLS, SIGHUP is logged and ignored rather than ending the server, its default effect.
struct CertificateReloadService: Service {
    let certificate: ReloadableCertificate?
    /// Made before the server starts, so that a SIGHUP right after start-up is already trapped.
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            guard let certificate else {
                logger.notice("SIGHUP: no TLS certificate to reload (plain HTTP)")
                continue
            }
            do {
                let loaded = try certificate.reload()
                logger.notice(
                    "SIGHUP: TLS certificate reloaded",
                    metadata: ["certificate": "\(certificate.files.certificateChain)", "not_valid_after": "\(loaded.notValidAfter)"]
                )
            } catch {
                logger.error("SIGHUP: TLS certificate not reloaded, the previous one stays in use", metadata: ["reason": "\(error)"])
            }
        }
    }
}
