import ArgumentParser
import ThreatFeedCore
import ThreatFeedStore

/// `threatfeed user allow NAME lookup|admin`: lets a user call `POST /lookup` with its Basic credentials, or log in
/// to the administrator's pages under `/ui/`.
struct UserAllowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow", abstract: "Give a user a permission (lookup: POST /lookup with its Basic credentials; admin: the pages under /ui/)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "User name.") var name: String
    @Argument(help: ArgumentHelp("Permission: \(UserPermission.namesForHelp).")) var permission: String

    func run() throws {
        let store = try global.openStore()
        let (userName, granted) = try reportingErrors { try UserPermissionArguments.parse(name, permission) }
        let added = try reportingErrors { try store.writeNow { try $0.allow(granted, toUser: userName) } }
        print(added ? "user '\(name)' may now use \(granted.rawValue)" : "user '\(name)' already had \(granted.rawValue)")
    }
}

/// `threatfeed user disallow NAME lookup|admin`. Takes effect at the admin's next page: sessions check it on every request.
struct UserDisallowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disallow", abstract: "Take a permission away from a user.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "User name.") var name: String
    @Argument(help: ArgumentHelp("Permission: \(UserPermission.namesForHelp).")) var permission: String

    func run() throws {
        let store = try global.openStore()
        let (userName, taken) = try reportingErrors { try UserPermissionArguments.parse(name, permission) }
        let removed = try reportingErrors { try store.writeNow { try $0.disallow(taken, fromUser: userName) } }
        print(removed ? "user '\(name)' may no longer use \(taken.rawValue)" : "user '\(name)' did not have \(taken.rawValue)")
    }
}

enum UserPermissionArguments {
    static func parse(_ name: String, _ permission: String) throws -> (EntityName, UserPermission) {
        guard let parsed = UserPermission(rawValue: permission.lowercased()) else {
            throw CLIError.invalid("permission", permission, "use \(UserPermission.namesForHelp)")
        }
        return (try EntityName(name), parsed)
    }
}
