import Foundation

/// Runs the real `threatfeed` executable, as an administrator would.
public enum CommandRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// True when the process ended by a signal rather than `exit`.
        public let signalled: Bool
    }

    /// The `threatfeed` binary built next to the test bundle (or `THREATFEED_BIN`).
    public static var executable: String {
        if let explicit = ProcessInfo.processInfo.environment["THREATFEED_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // Inside a bundle (macOS: .xctest/Contents/MacOS) walk up to the build products directory.
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("threatfeed").path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("threatfeed").path
    }

    /// Runs `threatfeed ARGS` to completion.
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil) throws -> Result {
        try run(program: executable, arguments, environment: environment, stdin: stdin)
    }

    /// Runs another program (curl, a Python client) to completion, the same way.
    public static func run(
        program: String, _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil
    ) throws -> Result {
        let process = makeProcess(program, arguments, environment: environment)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = DataBox()
        let reader = Thread { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { usleep(1_000) }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self),
            signalled: process.terminationReason == .uncaughtSignal
        )
    }

    /// Starts `threatfeed ARGS` and returns the running process (stdout/stderr to the given pipes).
    public static func start(_ arguments: [String], environment: [String: String] = [:], stdout: Pipe, stderr: Pipe) throws -> Process {
        let process = makeProcess(executable, arguments, environment: environment)
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func makeProcess(_ program: String, _ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "THREATFEED_DB")
        env.removeValue(forKey: "THREATFEED_PUBLIC_URL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
    }
}

private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = Data()
    private var _done = false
    var value: Data {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue; _done = true } }
    }
    var done: Bool { lock.withLock { _done } }
}
