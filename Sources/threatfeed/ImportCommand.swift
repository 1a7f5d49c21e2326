import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedFormats
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

    @Option(help: "File format: auto, txt, csv or json (auto uses the extension, then the content).")
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

    struct Defaults {
        var disposition: Disposition
        var tlp: TLP
        var validFor: TimeSpan
        var forcedType: ObservableType?
        var format: ImportFormat
    }

    func defaults() throws -> Defaults {
        guard let disposition = Disposition(name: disposition) else {
            throw CLIError("invalid --disposition '\(disposition)': use one of \(Disposition.namesForHelp)")
        }
        guard let tlp = TLP(name: tlp) else { throw CLIError("invalid --tlp '\(tlp)': use one of \(TLP.namesForHelp)") }
        guard let format = ImportFormat(rawValue: format.lowercased()) else {
            throw CLIError("invalid --format '\(format)': use auto, txt, csv or json")
        }
        var type: ObservableType?
        if let forcedType {
            guard let parsed = ObservableType(name: forcedType) else {
                throw CLIError("invalid --type '\(forcedType)': use one of \(ObservableType.namesForHelp)")
            }
            type = parsed
        }
        let spanText = try global.settings().string(.importValidFor, flag: validFor) ?? "30d"
        let span: TimeSpan
        do { span = try TimeSpan(parsing: spanText) } catch { throw CLIError("--valid-for: \(error)") }
        return Defaults(disposition: disposition, tlp: tlp, validFor: span, forcedType: type, format: format)
    }

    func run() throws {
        let started = ContinuousClock.now
        let defaults: Defaults = try reportingErrors { try self.defaults() }
        let indicatorName: EntityName = try reportingErrors { try EntityName(indicator) }
        let inputs: [(path: String, data: Data)] = try reportingErrors { try files.map { path -> (path: String, data: Data) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("cannot read \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
            }
            return (path, data)
        } }
        let store = try global.openStore()

        let importer = Importer(indicatorName: indicatorName, inputs: inputs, defaults: defaults, source: source, strict: strict)
        do {
            if dryRun { try store.rehearse(importer.run) } else { try store.writeNow(importer.run) }
        } catch is StrictAbort {
            Terminal.error("\(importer.summary.rejected) line(s) rejected; --strict: import aborted, nothing written")
            throw ExitCode.failure
        } catch let exit as ExitCode {
            throw exit
        } catch {
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

/// Feeds parsed records into one write transaction and counts what happened.
final class Importer {
    let indicatorName: EntityName
    let inputs: [(path: String, data: Data)]
    let defaults: ImportCommand.Defaults
    let source: String?
    let strict: Bool
    private(set) var summary = ImportSummary()
    private var progress = ProgressLine()

    init(indicatorName: EntityName, inputs: [(path: String, data: Data)], defaults: ImportCommand.Defaults, source: String?, strict: Bool) {
        self.indicatorName = indicatorName
        self.inputs = inputs
        self.defaults = defaults
        self.source = source
        self.strict = strict
    }

    func run(_ writer: StoreWriter) throws {
        summary = ImportSummary()
        let (target, created) = try writer.indicator(named: indicatorName)
        summary.createdIndicator = created
        for (path, data) in inputs {
            let fileName = URL(fileURLWithPath: path).lastPathComponent
            let format = defaults.format == .auto ? ImportFormat.detect(fileName: fileName, prefix: data.prefix(512)) : defaults.format
            let source = self.source ?? "import:\(fileName)"
            let validFor = defaults.validFor.seconds
            do {
                try ImportParser.parse(
                    data, format: format, forcedType: defaults.forcedType,
                    record: { record in
                        let judgement = Judgement(
                            observable: record.observable,
                            disposition: record.disposition ?? defaults.disposition,
                            source: source,
                            confidence: record.confidence ?? .high,
                            severity: record.severity ?? .high,
                            tlp: record.tlp ?? defaults.tlp,
                            priority: record.priority ?? 95,
                            reason: record.reason,
                            validTime: ValidTime(
                                start: record.validFrom ?? writer.now,
                                end: record.openEnded ? nil : (record.validUntil ?? writer.now.addingTimeInterval(validFor))
                            ),
                            provenance: ["import.file": fileName, "import.line": String(record.line)]
                        )
                        switch try writer.record(judgement, in: target.id) {
                        case .added: summary.added += 1
                        case .refreshed: summary.refreshed += 1
                        }
                        progress.update("\(fileName): line \(record.line), \(summary.added) added, \(summary.refreshed) refreshed")
                    },
                    reject: { rejection in
                        summary.rejected += 1
                        progress.clear()
                        Terminal.writeErr("\(path):\(rejection.line): \(rejection.reason)\n")
                    }
                )
            } catch let error as ImportFileError {
                progress.clear()
                throw CLIError("\(path): \(error)")
            }
        }
        progress.clear()
        if strict, summary.rejected > 0 { throw StrictAbort() }
    }
}

struct ImportSummary {
    var added = 0
    var refreshed = 0
    var rejected = 0
    var createdIndicator = false
}

private struct StrictAbort: Error {}
