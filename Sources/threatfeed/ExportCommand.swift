import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedStore

/// `threatfeed export --indicator NAME`: the live content of an indicator, in the feed formats,
/// so that `import` can read it back.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an indicator's live observables or judgements (CTIA JSON or text) to stdout or a file."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Indicator to export.") var indicator: String
    @Option(help: "txt (sorted values), json (CTIA observables body) or judgements (CTIA judgements body).")
    var format: String = "json"
    @Option(name: .shortAndLong, help: "Write to this file (mode 0600) instead of stdout.") var output: String?

    func run() throws {
        let store = try global.openStore()
        let now = Date()
        let bytes = try reportingErrors { () throws -> [UInt8] in
            let name = try EntityName(indicator)
            return try store.readNow { reader in
                guard let target = try reader.indicator(named: name) else { throw StoreError.unknownIndicator(indicator) }
                switch format {
                case "txt":
                    var writer = CTIATextWriter()
                    try reader.forEachLiveObservableByValue(ofIndicator: target.id, at: now) { writer.append($0) }
                    return writer.finish() + [0x0A]
                case "json":
                    var writer = CTIAObservablesWriter()
                    try reader.forEachLiveObservable(ofIndicator: target.id, at: now) { writer.append($0) }
                    return writer.finish() + [0x0A]
                case "judgements":
                    var writer = CTIAJudgementsWriter(idBase: "urn:threatfeed")
                    try reader.forEachLiveJudgement(ofIndicator: target.id, at: now) { writer.append($0) }
                    return writer.finish() + [0x0A]
                default:
                    throw CLIError.invalid("--format", format, "use txt, json or judgements")
                }
            }
        }
        if let output {
            try reportingErrors {
                guard FileManager.default.createFile(atPath: output, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError.unwritable(output)
                }
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
