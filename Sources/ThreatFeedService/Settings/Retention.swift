import ThreatFeedCore

/// How long ended judgements are kept: flag > THREATFEED_RETENTION > file (`retention.period`) > 30 days.
public enum Retention {
    public static func period(_ flag: String?, settings: Settings) throws -> TimeSpan {
        let text = settings.string(.retention, flag: flag) ?? "30d"
        do { return try TimeSpan(parsing: text) } catch { throw settings.error(.retention, "'\(text)': \(error)", source: flag == nil ? nil : .flag) }
    }
}
