import HTTPTypes

extension AcceptEncoding {
    /// Whether the request's `Accept-Encoding` fields let us answer in gzip.
    static func prefersGzip(_ headers: HTTPFields) -> Bool {
        prefersGzip(headers[values: .acceptEncoding])
    }
}
