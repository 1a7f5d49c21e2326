import Foundation

/// The Python TAXII clients (cabby, libtaxii, python-stix) that `scripts/python-env.sh` installs in `.venv`,
/// and the helper scripts in `Tests/Clients/`.
public enum PythonClients {
    /// The package's root directory, found from this file's place in it.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var venvBin: URL {
        if let explicit = ProcessInfo.processInfo.environment["THREATFEED_VENV"] {
            return URL(fileURLWithPath: explicit).appendingPathComponent("bin")
        }
        return packageRoot.appendingPathComponent(".venv/bin")
    }

    public static var python: String { venvBin.appendingPathComponent("python").path }

    /// A command-line tool of the venv (`taxii-poll`, `taxii-discovery`, …).
    public static func tool(_ name: String) -> String { venvBin.appendingPathComponent(name).path }

    public static func script(_ name: String) -> String { packageRoot.appendingPathComponent("Tests/Clients/\(name)").path }

    /// Fails with the fix when the venv is missing, rather than skipping tests silently.
    public static func requireVenv() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PythonClientError(message: "no Python venv at \(python): run ./scripts/python-env.sh (./scripts/test.sh does)")
        }
    }

    /// Runs a helper script that prints one JSON object, and returns it.
    public static func json(_ script: String, _ arguments: [String], stdin: Data? = nil) throws -> [String: Any] {
        try decode(try output(script, arguments, stdin: stdin), from: script)
    }

    /// Runs a helper script and returns its standard output (text is `Sendable`; a decoded object is not).
    public static func output(_ script: String, _ arguments: [String], stdin: Data? = nil) throws -> String {
        try requireVenv()
        let result = try CommandRunner.run(program: python, [self.script(script)] + arguments, stdin: stdin)
        guard result.status == 0 else {
            throw PythonClientError(message: "\(script) exited \(result.status): \(result.stdout.suffix(2000)) \(result.stderr.suffix(4000))")
        }
        return result.stdout
    }

    public static func decode(_ text: String, from script: String = "script") throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw PythonClientError(message: "\(script) printed no JSON object: \(text.prefix(2000))")
        }
        return object
    }
}

public struct PythonClientError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
