import Foundation

/// A development CA and a server certificate for `localhost` and 127.0.0.1, made by the project's own
/// `certs/make-dev-certs.sh` (what the README tells administrators to try TLS with) in `directory`.
public struct DevelopmentCertificates: Sendable {
    public let ca: String
    public let chain: String
    public let key: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(in directory: TemporaryDirectory) throws {
        let output = directory.file("certs-\(UUID().uuidString.prefix(8))")
        let script = PythonClients.packageRoot.appendingPathComponent("certs/make-dev-certs.sh").path
        let result = try CommandRunner.run(program: "/bin/bash", [script, "localhost", "127.0.0.1"], environment: ["THREATFEED_CERTS_DIR": output])
        guard result.status == 0 else { throw Failure(description: "make-dev-certs.sh failed: \(result.stderr)") }
        (ca, chain, key) = (output + "/ca.pem", output + "/server.pem", output + "/server.key")
    }
}
