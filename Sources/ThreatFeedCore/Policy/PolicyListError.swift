/// A line of a policy list file that could not be read, with the file and line to fix.
public struct PolicyListError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let problem: String

    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(problem)" }
}
