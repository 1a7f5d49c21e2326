import ThreatFeedServer

/// Reads the relay module's settings; a short key is refused naming the setting.
public enum XDROptions {
    public static func configuration(key: String?, maxObservables: String?) throws -> XDRConfiguration? {
        guard let key else { return nil }
        guard key.utf8.count >= RelayJWT.minimumKeyBytes else {
            throw ConfigurationError.setting(
                SettingKey.xdrKey.key, variable: SettingKey.xdrKey.environment,
                "must be at least \(RelayJWT.minimumKeyBytes) characters (an HS256 key shorter than the hash is weak)")
        }
        return XDRConfiguration(key: key, maxObservables: maxObservables.flatMap(Int.init) ?? 100)
    }
}
