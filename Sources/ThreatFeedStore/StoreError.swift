import Foundation

/// What can go wrong with the database, in words an administrator can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case notAFile(path: String)
    case readOnly(path: String)
    case locked(path: String)
    case notADatabase(path: String)
    case corrupt(path: String, detail: String)
    case newerSchema(path: String)
    case unknownIndicator(String)
    case unknownFeed(String)
    case unknownUser(String)
    case duplicateName(kind: String, name: String)
    case duplicateCollectionName(String)
    case indicatorInUse(indicator: String, feeds: [String])
    case sqlite(path: String, detail: String)
    /// A row read back holds a name this version refuses (a restored or older database).
    case invalidStoredName(kind: String, name: String, problem: String)
    /// The remediation row was not pending any more (an operator or another process moved it).
    case remediationNotPending(messageID: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            "cannot create the database directory \(path): \(reason)"
        case .notAFile(let path):
            "\(path) is not a regular file; --db must name a database file"
        case .readOnly(let path):
            "the database \(path) is read-only: check the permissions of the file and its directory"
        case .locked(let path):
            "the database \(path) is locked by another process (an import or another server?); try again when it has finished"
        case .notADatabase(let path):
            "\(path) is not a ThreatFeed database (not an SQLite file, or encrypted/damaged); point --db at another file or restore a backup"
        case .corrupt(let path, let detail):
            "the database \(path) is damaged (\(detail)); restore it from a backup"
        case .newerSchema(let path):
            "the database \(path) was written by a newer ThreatFeed; upgrade this program before using it"
        case .unknownIndicator(let name):
            "no indicator named '\(name)'"
        case .unknownFeed(let name):
            "no feed named '\(name)'"
        case .unknownUser(let name):
            "no user named '\(name)'"
        case .duplicateName(let kind, let name):
            "a\(kind.first.map { "aeio".contains($0) } == true ? "n" : "") \(kind) named '\(name)' already exists"
        case .duplicateCollectionName(let name):
            "another feed already uses the collection name '\(name)'"
        case .indicatorInUse(let indicator, let feeds):
            "indicator '\(indicator)' is used by feed(s) \(feeds.joined(separator: ", "))"
        case .sqlite(let path, let detail):
            "database error on \(path): \(detail)"
        case .invalidStoredName(let kind, let name, let problem):
            "the database holds a \(kind) named '\(String(name.prefix(80)).debugDescription.dropFirst().dropLast())' that this version cannot use (\(problem)); restore a backup made by this version"
        case .remediationNotPending(let messageID):
            "the remediation of message \(messageID) is no longer pending; another process is working on it"
        }
    }
}
