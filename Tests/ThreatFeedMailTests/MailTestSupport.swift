import Foundation
import ThreatFeedTesting

/// A development CA and a server certificate for 127.0.0.1 from certs/make-dev-certs.sh.
struct TestCertificates {
    let ca: String
    let chain: String
    let key: String

    init(in directory: TemporaryDirectory) throws {
        let output = directory.file("certs")
        let script = PythonClients.packageRoot.appendingPathComponent("certs/make-dev-certs.sh").path
        let result = try CommandRunner.run(program: "/bin/bash", [script, "localhost", "127.0.0.1"], environment: ["THREATFEED_CERTS_DIR": output])
        guard result.status == 0 else { throw MailTestError(message: "make-dev-certs.sh failed: \(result.stderr)") }
        (ca, chain, key) = (output + "/ca.pem", output + "/server.pem", output + "/server.key")
    }
}

struct MailTestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
