/// One entry of an import file that was refused; the rest of the file goes on.
public struct ImportRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line where the refused entry starts.
    public var line: Int
    /// Why, precisely enough to fix the file without reading the source.
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `LINE: reason`, ready to follow `FILE:`.
    public var description: String { "\(line): \(reason)" }
}

/// The whole file is unusable (wrong encoding, bad CSV header, malformed JSON, wrong JSON
/// shape), so no entry of it is imported.
public struct ImportFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, when it can be pinned down (1-based).
    public var line: Int?
    /// 1-based column in characters, when known.
    public var column: Int?
    public var problem: String

    public init(line: Int? = nil, column: Int? = nil, problem: String) {
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// `line 3, column 7: problem`, or just the problem when it has no position.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): "line \(line), column \(column): \(problem)"
        case let (line?, nil): "line \(line): \(problem)"
        default: problem
        }
    }
}
