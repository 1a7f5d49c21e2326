import Foundation
import ThreatFeedServer

/// The `tls.*` settings checked before the server loads them.
enum TLSFileCheck {
    /// Both files or neither; a key every local user can read (or a group can change) is refused. Group read is
    /// allowed so that root can own the key and the service's group read it (deploy/install.sh does this).
    static func files(certificate: String?, key: String?) throws -> TLSFiles? {
        switch (certificate, key) {
        case (nil, nil): return nil
        case (nil, _): throw ConfigurationError.combination("--tls-key needs --tls-cert")
        case (_, nil): throw ConfigurationError.combination("--tls-cert needs --tls-key")
        case (let certificate?, let key?):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: key) else {
                throw ConfigurationError.setting(SettingKey.tlsKey.key, variable: SettingKey.tlsKey.environment, "cannot read the TLS private key \(key): no such file or no permission")
            }
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0
            if mode & 0o027 != 0 {
                throw ConfigurationError.setting(SettingKey.tlsKey.key, variable: SettingKey.tlsKey.environment, "the TLS private key \(key) is readable by others (mode \(String(mode, radix: 8))); chmod 600 (or 640 with the service's group) it")
            }
            return TLSFiles(certificateChain: certificate, privateKey: key)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
