import Foundation
import Synchronization

/// The first MiB a child wrote to a pipe.
final class LogBuffer: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { if $0.count < 1 << 20 { $0.append(chunk) } } }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// `threatfeed serve --port 0` as a child process: started, its port read from its first line, stopped with SIGTERM.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    private let stderrPipe: Pipe
    private let log = LogBuffer()

    /// What the server wrote to stderr so far (its log).
    public var stderrText: String { log.text }

    public private(set) var scheme = "http"
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    /// - Parameter port: 0 lets the server pick; give one (see `freeLoopbackPort`) when `--public-url` must name it.
    public init(database: String, port requested: Int = 0, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        let out = Pipe()
        let err = Pipe()
        stderrPipe = err
        process = try CommandRunner.start(
            ["serve", "--db", database, "--host", "127.0.0.1", "--port", String(requested)] + extraArguments,
            environment: environment, stdout: out, stderr: err
        )
        // The server prints "ThreatFeed listening on http://127.0.0.1:PORT …" once bound.
        var buffer = Data()
        let handle = out.fileHandleForReading
        var found: Int?
        let deadline = Date().addingTimeInterval(30)
        while found == nil, Date() < deadline, process.isRunning || !buffer.isEmpty {
            let chunk = handle.availableData
            if chunk.isEmpty { if !process.isRunning { break }; continue }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            for candidate in ["http", "https"] {
                if let range = text.range(of: "listening on \(candidate)://127.0.0.1:") {
                    found = Int(text[range.upperBound...].prefix { $0.isNumber })
                    scheme = candidate
                }
            }
        }
        guard let found else {
            process.terminate()
            let errors = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            throw ServerProcessError(message: "server did not start: \(String(decoding: buffer, as: UTF8.self)) \(errors)")
        }
        port = found
        // Keep draining stderr so the server never blocks on a full pipe, keeping the first MiB for tests to read.
        let log = self.log
        err.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
    }

    /// SIGTERM, then wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        stderrPipe.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
