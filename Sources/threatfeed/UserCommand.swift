import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedServer
import ThreatFeedStore

#if canImport(Glibc)
import Glibc
#endif

/// `threatfeed user add|password|remove|list`: the accounts TAXII pollers authenticate with.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the users TAXII pollers (gateways) authenticate as with HTTP Basic credentials.",
        subcommands: [Add.self, Password.self, Remove.self, List.self, UserAllowCommand.self, UserDisallowCommand.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The password is read from the terminal (twice) or from the first line of stdin."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User name (letters, digits, '-', '_', '.'), as typed into the gateway's credentials.") var name: String
        @Flag(help: "Let the user log in to the administrator's pages under /ui/ (the same as 'user allow NAME admin').")
        var admin = false

        func run() throws {
            let store = try global.openStore()
            let userName = try reportingErrors { try EntityName(name) }
            let hash = try reportingErrors { try Passwords.hash(try PasswordReader.read(for: name)) }
            // One transaction: an admin is never left half-made (a user without its role).
            try reportingErrors {
                try store.writeNow { writer in
                    try writer.create(User(name: userName, passwordHash: hash, created: writer.now))
                    if admin { try writer.allow(.admin, toUser: userName) }
                }
            }
            if admin {
                print("added admin '\(name)'; log in at /ui/login")
            } else {
                print("added user '\(name)'; grant it feeds with: threatfeed feed grant FEED \(name)")
            }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password for a user (terminal or first line of stdin). Running servers accept it at once."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let store = try global.openStore()
            let userName = try reportingErrors { try EntityName(name) }
            try reportingErrors {
                guard try store.readNow({ try $0.user(named: userName) }) != nil else { throw StoreError.unknownUser(name) }
            }
            let hash = try reportingErrors { try Passwords.hash(try PasswordReader.read(for: name)) }
            try reportingErrors { try store.writeNow { try $0.setPasswordHash(ofUser: userName, to: hash) } }
            print("new password set for '\(name)'; update it on every gateway that polls as this user")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and its grants.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let store = try global.openStore()
            let userName = try reportingErrors { try EntityName(name) }
            try reportingErrors { try store.writeNow { try $0.removeUser(named: userName) } }
            print("removed user '\(name)'; gateways polling as it now get UNAUTHORIZED")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and the feeds granted to them.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            let store = try global.openStore()
            let rows = try reportingErrors {
                try store.readNow { reader in
                    try reader.users().map { user in (user, try reader.feedsGranted(toUser: user.id).map(\.name.value)) }
                }
            }
            if json {
                try printJSON([
                    "users": rows.map { user, feeds in
                        ["name": user.name.value, "created": Timestamps.iso8601Milli(user.created), "feeds": feeds] as [String: Any]
                    }
                ])
                return
            }
            if rows.isEmpty {
                print("no users; add one with: threatfeed user add NAME")
                return
            }
            var table = [["NAME", "CREATED", "FEEDS"]]
            for (user, feeds) in rows {
                table.append([user.name.value, Timestamps.iso8601Milli(user.created), feeds.isEmpty ? "-" : feeds.joined(separator: ",")])
            }
            printTable(table)
        }
    }
}

/// Reads a new password: from the terminal without echo (asked twice), else the first line of stdin.
enum PasswordReader {
    static func read(for name: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError.password("no password on stdin: pipe it in (e.g. from a password manager) or run on a terminal")
            }
            return line.hasSuffix("\r") ? String(line.dropLast()) : line
        }
        let first = try prompt("Password for \(name): ")
        let second = try prompt("Again: ")
        guard first == second else { throw CLIError.password("the two passwords differ; nothing was changed") }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        Terminal.writeErr(text)
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            Terminal.writeErr("\n")
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw CLIError.password("no password entered") }
        return line
    }
}
