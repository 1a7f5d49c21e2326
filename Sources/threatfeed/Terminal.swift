import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Output helpers: results on stdout, diagnostics on stderr, progress only on a terminal.
enum Terminal {
    static func error(_ message: String) { writeErr("error: \(message)\n") }
    static func warning(_ message: String) { writeErr("warning: \(message)\n") }

    static func writeErr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A single self-overwriting line on a terminal (`\r`), at most a few updates a second.
struct ProgressLine {
    private let enabled = Terminal.stderrIsTerminal
    private var lastUpdate = ContinuousClock.now
    private var shown = false

    mutating func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastUpdate > .milliseconds(250) else { return }
        lastUpdate = now
        shown = true
        Terminal.writeErr("\r\u{1B}[K" + text())
    }

    mutating func clear() {
        guard enabled, shown else { return }
        Terminal.writeErr("\r\u{1B}[K")
        shown = false
    }
}
