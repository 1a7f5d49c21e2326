import Foundation

/// `Tests/Clients/fake_smtp.py` (aiosmtpd from the venv) as a child process on a loopback port:
/// a real SMTP server that stores what it receives and counts every command, with injected
/// failures chosen by its arguments (see the script's header).
public final class FakeSMTPServer: @unchecked Sendable {
    public struct Stats: Decodable, Sendable, Equatable {
        public struct AuthAttempt: Decodable, Sendable, Equatable {
            public let mechanism: String
            public let tls: Bool
            public let success: Bool
        }
        public let ehlo: Int
        public let mail: Int
        public let rcpt: Int
        public let data: Int
        public let messages: Int
        public let auth: [AuthAttempt]
    }

    public struct Message: Sendable {
        public struct Envelope: Decodable, Sendable {
            public let mail_from: String
            public let rcpt_tos: [String]
            public let tls: Bool
            public let authenticated: Bool
            public let login: String?
        }
        public let envelope: Envelope
        /// The stored DATA (after dot-unstuffing), as a file for `parse_mail.py`.
        public let path: String
        public let raw: Data
    }

    public let port: Int
    public let store: TemporaryDirectory
    private let process: Process

    /// - Parameter arguments: the script's options (`--tls-cert`, `--auth`, `--fail-rcpt 2:451`, `--mode silent`, …).
    public init(_ arguments: [String] = []) throws {
        try PythonClients.requireVenv()
        store = try TemporaryDirectory(prefix: "fake-smtp")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonClients.python)
        process.arguments = [PythonClients.script("fake_smtp.py"), "--store", store.path] + arguments
        let out = Pipe()
        process.standardOutput = out
        FileManager.default.createFile(atPath: store.file("server.log"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: store.file("server.log"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The first line is {"port": N}, printed once the socket listens.
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { if !process.isRunning { break }; continue }
            buffer.append(chunk)
            if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first,
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            {
                found = object["port"] as? Int
            }
        }
        guard let found else {
            process.terminate()
            let log = (try? String(contentsOfFile: store.file("server.log"), encoding: .utf8)) ?? ""
            throw PythonClientError(message: "fake_smtp.py did not start: \(String(decoding: buffer, as: UTF8.self)) \(log.suffix(2000))")
        }
        port = found
    }

    public func stats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(contentsOf: URL(fileURLWithPath: store.file("stats.json"))))
    }

    /// The messages received, in order.
    public func messages() throws -> [Message] {
        let count = try stats().messages
        guard count > 0 else { return [] }
        return try (1...count).map { number in
            let path = store.file("msg-\(number).eml")
            let envelope = try JSONDecoder().decode(
                Message.Envelope.self, from: Data(contentsOf: URL(fileURLWithPath: store.file("msg-\(number).json"))))
            return Message(envelope: envelope, path: path, raw: try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    /// What the script wrote to stderr.
    public var log: String { (try? String(contentsOfFile: store.file("server.log"), encoding: .utf8)) ?? "" }

    public func stop() {
        if process.isRunning {
            process.terminate()
            // SIGKILL if SIGTERM did not end it within two seconds.
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        store.remove()
    }

    deinit { if process.isRunning { process.terminate() } }
}
