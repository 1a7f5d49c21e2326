import Foundation
import Testing
import ThreatFeedTesting

/// The YAML configuration file: validation that names the line, precedence, secrets masked.
@Suite struct ConfigCommandTests {
    @Test func theShippedExampleIsValidAndEverySettingIsShownWithItsSource() async throws {
        let example = PythonClients.packageRoot.appendingPathComponent("deploy/threatfeed.yaml").path
        let checked = try CommandRunner.run(["config", "check", example])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("server.port"))
        #expect(checked.stdout.contains("stix.id_namespace"))
        #expect(checked.stdout.hasSuffix("ok\n"))
    }

    @Test func unknownKeysAndBadValuesNameTheLine() async throws {
        try await withTemporaryDirectory { dir in
            let cases: [(String, String)] = [
                ("server:\n  port: 8080\n  prot: 9\n", "3: unknown key 'server.prot'; known in 'server': server.host"),
                ("server:\n  port: eighty\n", "2: server.port: 'eighty' is not a port"),
                ("retention:\n  period: soon\n", "2: retention.period: 'soon'"),
                ("serve:\n  port: 1\n", "1: unknown section 'serve'"),
                ("log:\n  format: xml\n", "2: log.format: 'xml' is not one of text, logfmt, json"),
                ("server:\n  host: [a, b]\n", "2: 'server.host' must be a single value, not a list"),
                ("server: {port: 1\n", "not valid YAML"),
            ]
            for (index, (text, expected)) in cases.enumerated() {
                let file = try dir.write("bad\(index).yaml", text)
                let result = try CommandRunner.run(["config", "check", file])
                #expect(result.status == 1, "\(text)")
                #expect(result.stderr.contains(expected), "\(result.stderr)")
                // Every command that reads the configuration refuses it the same way.
                let listed = try CommandRunner.run(["feed", "list", "--config", file])
                #expect(listed.status == 1)
            }
        }
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFileAndSecretsAreMasked() async throws {
        try await withTemporaryDirectory { dir in
            let database = dir.file("from-file.sqlite")
            let file = try dir.write(
                "t.yaml",
                "server:\n  port: 9443\n  host: 127.0.0.1\ndatabase:\n  path: \(database)\nsecurity:\n  admin_token: very-secret-admin-token\n"
            )
            let checked = try CommandRunner.run(["config", "check", file], environment: ["THREATFEED_PORT": "9555"])
            #expect(checked.status == 0, "\(checked.stderr)")
            let lines = checked.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("server.port") && $0.contains("9555") && $0.contains("environment") })
            #expect(lines.contains { $0.hasPrefix("server.host") && $0.contains("file:3") })
            #expect(lines.contains { $0.hasPrefix("security.admin_token") && $0.contains("<set, 23 characters>") })
            #expect(!checked.stdout.contains("very-secret-admin-token"))
            let badEnvironment = try CommandRunner.run(["config", "check", file], environment: ["THREATFEED_LOG_LEVEL": "loud"])
            #expect(badEnvironment.status == 1)
            #expect(badEnvironment.stderr.contains("log.level (THREATFEED_LOG_LEVEL): 'loud' is not one of"))

            // The file's database path is used by every command; --db wins over it.
            let input = try dir.write("in.txt", "config-file.example\n")
            #expect(try CommandRunner.run(["import", input, "--indicator", "cfg", "--config", file]).status == 0)
            #expect(FileManager.default.fileExists(atPath: database))
            let other = dir.file("flag.sqlite")
            #expect(try CommandRunner.run(["import", input, "--indicator", "cfg", "--config", file, "--db", other]).status == 0)
            #expect(FileManager.default.fileExists(atPath: other))
            // THREATFEED_CONFIG works like --config.
            let listed = try CommandRunner.run(["indicator", "list"], environment: ["THREATFEED_CONFIG": file])
            #expect(listed.stdout.contains("cfg"), "\(listed.stdout) \(listed.stderr)")
        }
    }

    /// The ETD connection and tuning come from the file too; a bad duration names its line, secrets never print.
    @Test func etdSettingsAreReadFromTheFile() async throws {
        try await withTemporaryDirectory { dir in
            let bad = try dir.write("bad.yaml", "etd:\n  look_back: a while\n")
            let refused = try CommandRunner.run(["config", "check", bad])
            #expect(refused.stderr.contains("bad.yaml:2: etd.look_back: 'a while'"), "\(refused.stderr)")
            let file = try dir.write(
                "etd.yaml",
                "etd:\n  base_url: ftp://127.0.0.1\n  client_id: id-from-file\n  client_secret: secret-from-file-123\n  api_key: key-from-file-456\n"
            )
            let polled = try await onThread {
                try CommandRunner.run(["etd", "poll", "--once", "--config", file, "--db", dir.file("t.sqlite")])
            }
            #expect(polled.status != 0)
            // The connection the file gives is checked (an ftp URL is refused): so the file was read.
            #expect(polled.stderr.contains("'ftp://127.0.0.1' is not an http(s) URL"), "\(polled.stderr)")
            #expect(!(polled.stdout + polled.stderr).contains("secret-from-file-123"))
            #expect(!(polled.stdout + polled.stderr).contains("key-from-file-456"))
        }
    }
}
