import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// `threatfeed lookup TERM…`: what ThreatFeed knows about observables. Parses and prints only; the terms are
/// read by `LookupTerm` / `ObservableExtraction` (Core) and answered by `Store.lookup`.
struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "What is known about observables: judgements, held-back values, feeds and delivery to polling clients.",
        discussion: """
            A term is type:"value", type:value (ip, ipv6, domain, url, sha256, md5, sha1, email) or a bare value whose
            type is detected; defanged values (hxxp://evil[.]example) are refanged as on import. --text reads free text
            (a mail header, a ticket; - for stdin) and looks up every observable in it.
            Exit status: 0 something is known, 1 nothing is, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Terms to look up.") var terms: [String] = []
    @Option(name: .long, help: ArgumentHelp("Free text to extract observables from (- for stdin).", valueName: "file")) var text: String?
    @Flag(name: .long, help: "Print JSON (the same as POST /lookup).") var json = false

    /// The most observables one lookup reports, as `POST /lookup` allows.
    static let maxSubjects = 1_000

    func run() throws {
        var subjects: [LookupSubject] = []
        for term in terms {
            do {
                subjects.append(try LookupTerm.parse(term))
            } catch {
                Terminal.error("\(term): \(error)")
                throw ExitCode(2)
            }
        }
        if let text {
            let content: Data
            do {
                content = text == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: text))
            } catch {
                Terminal.error("cannot read \(text): \((error as NSError).localizedDescription)")
                throw ExitCode(2)
            }
            let found = ObservableExtraction.subjects(in: String(decoding: content, as: UTF8.self), limit: Self.maxSubjects)
            if found.isEmpty { Terminal.warning("no observable found in \(text == "-" ? "stdin" : text)") }
            subjects.append(contentsOf: found)
        }
        guard !subjects.isEmpty || text != nil else {
            Terminal.error("give at least one term, or --text FILE")
            throw ExitCode(2)
        }
        guard subjects.count <= Self.maxSubjects else {
            Terminal.error("at most \(Self.maxSubjects) observables per lookup, got \(subjects.count)")
            throw ExitCode(2)
        }
        let store = try global.openStore()
        let report = try reportingErrors { try store.lookupNow(subjects, now: Date()) }
        print(json ? String(decoding: report.json(), as: UTF8.self) : report.text)
        if !report.known { throw ExitCode(1) }
    }
}
