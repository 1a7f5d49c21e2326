import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed import FILE... --indicator NAME`: one transaction for all files.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import indicators from text, CSV or JSON files into an indicator.",
        discussion: """
            Every value is validated and normalised; rejected lines are listed as FILE:LINE: reason.
            The whole import is one transaction: interrupted, the database is as before.
            Exit status: 0 all stored, 2 some lines rejected (the rest stored; with --strict nothing is
            stored and the status is 1), 1 on any other error.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Files to import.")
    var files: [String]

    @Option(help: "Indicator to add the judgements to (created if missing).")
    var indicator: String

    @Option(help: "File format: auto, txt, csv, json (also STIX 2.1 bundles) or stix (STIX 1.x XML); auto uses the extension, then the content.")
    var format: String = "auto"

    @Option(name: .customLong("type"), help: "Treat every value as this type: \(ObservableType.namesForHelp).")
    var forcedType: String?

    @Option(help: "Disposition when a line gives none: \(Disposition.namesForHelp).")
    var disposition: String = "malicious"

    @Option(
        name: .customLong("valid-for"),
        help: "How long judgements stay live when a line gives no end, e.g. 30d, 12h (env THREATFEED_IMPORT_VALID_FOR; default 30d)."
    )
    var validFor: String?

    @Option(help: "Source recorded on each judgement (default import:<file name>).")
    var source: String?

    @Option(help: "TLP marking when a line gives none: \(TLP.namesForHelp).")
    var tlp: String = "amber"

    @Flag(name: .customLong("dry-run"), help: "Check and count everything, write nothing.")
    var dryRun = false

    @Flag(help: "Any rejected line aborts the whole import: nothing is written.")
    var strict = false

    func defaults() throws -> Importer.Defaults {
        guard let disposition = Disposition(name: disposition) else {
            throw CLIError.invalid("--disposition", disposition, "use one of \(Disposition.namesForHelp)")
        }
        guard let tlp = TLP(name: tlp) else { throw CLIError.invalid("--tlp", tlp, "use one of \(TLP.namesForHelp)") }
        guard let format = ImportFormat(rawValue: format.lowercased()) else {
            throw CLIError.invalid("--format", format, "use auto, txt, csv, json or stix")
        }
        var type: ObservableType?
        if let forcedType {
            guard let parsed = ObservableType(name: forcedType) else {
                throw CLIError.invalid("--type", forcedType, "use one of \(ObservableType.namesForHelp)")
            }
            type = parsed
        }
        let spanText = try global.settings().string(.importValidFor, flag: validFor) ?? "30d"
        let span: TimeSpan
        do { span = try TimeSpan(parsing: spanText) } catch { throw CLIError.invalid("--valid-for", spanText, "\(error)") }
        return Importer.Defaults(disposition: disposition, tlp: tlp, validFor: span, forcedType: type, format: format)
    }

    func run() throws {
        let started = ContinuousClock.now
        let defaults: Importer.Defaults = try reportingErrors { try self.defaults() }
        let indicatorName: EntityName = try reportingErrors { try EntityName(indicator) }
        let inputs: [(path: String, data: Data)] = try reportingErrors { try files.map { path -> (path: String, data: Data) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError.unreadable(path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
            }
            return (path, data)
        } }
        let store = try global.openStore()

        var progress = ProgressLine()
        let importer = Importer(
            indicatorName: indicatorName, inputs: inputs, defaults: defaults, source: source, strict: strict,
            onRecord: { fileName, line, summary in
                progress.update("\(fileName): line \(line), \(summary.added) added, \(summary.refreshed) refreshed")
            },
            onReject: { path, rejection in
                progress.clear()
                Terminal.writeErr("\(path):\(rejection.line): \(rejection.reason)\n")
            }
        )
        do {
            try dryRun ? store.rehearse(importer.run) : store.writeNow(importer.run)
            progress.clear()
        } catch is Importer.StrictAbort {
            progress.clear()
            Terminal.error("\(importer.summary.rejected) line(s) rejected; --strict: import aborted, nothing written")
            throw ExitCode.failure
        } catch let exit as ExitCode {
            throw exit
        } catch {
            progress.clear()
            Terminal.error("\(error)")
            throw ExitCode.failure
        }

        let summary = importer.summary
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if summary.createdIndicator { print("created indicator '\(indicatorName)'") }
        print(
            "\(dryRun ? "dry run, nothing written: would have " : "")\(indicatorName): \(summary.added) added, \(summary.refreshed) refreshed, \(summary.rejected) rejected, \(String(format: "%.2f", seconds)) s"
        )
        if summary.rejected > 0 { throw ExitCode(2) }
    }
}
