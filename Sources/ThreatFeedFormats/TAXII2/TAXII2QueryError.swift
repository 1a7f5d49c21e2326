/// A query parameter TAXII 2.1 cannot act on: answered 400 with a TAXII error message naming it.
public struct TAXII2QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameter, as the client spelled it (`limit`, `match[type]`).
    public let parameter: String
    public let problem: String

    public init(parameter: String, problem: String) {
        self.parameter = parameter
        self.problem = problem
    }

    public var description: String { "\(parameter): \(problem)" }
}
