import Foundation
import Hummingbird
import ThreatFeedCore

/// Builds a `RequestSample` with every credential taken out.
enum RequestSampling {
    /// Headers that carry credentials: never kept.
    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-api-key"]
    static let bodyPrefixBytes = 512

    static func sample(_ request: Request, client: String, body: [UInt8] = [], at now: Date) -> RequestSample {
        let headers = request.headers.compactMap { field -> String? in
            let name = field.name.canonicalName
            return credentialHeaders.contains(name) ? nil : "\(field.name.rawName): \(field.value)"
        }
        var target = request.uri.path
        let query = request.uri.queryParameters
        if !query.isEmpty {
            // The feed secret travels as ?s=; keep the parameter names, mask that value.
            target += "?" + query.map { "\($0.key)=\($0.key == "s" ? "<secret>" : String($0.value))" }.joined(separator: "&")
        }
        let prefix = String(decoding: body.prefix(bodyPrefixBytes), as: UTF8.self)
        return RequestSample(
            client: client, at: now, method: request.method.rawValue, target: target, headers: headers,
            bodyPrefix: maskingUUIDs(prefix)
        )
    }

    /// Feed secrets are UUIDs and a TAXII body may carry one as its collection name: mask every UUID-shaped
    /// string (message ids go too, which costs nothing when diagnosing).
    static func maskingUUIDs(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        let pattern = Array("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".unicodeScalars)
        var index = 0
        while index + pattern.count <= scalars.count {
            let matches = (0..<pattern.count).allSatisfy { offset in
                let scalar = scalars[index + offset]
                return pattern[offset] == "-" ? scalar == "-" : scalar.properties.isASCIIHexDigit
            }
            if matches {
                let mask = Array("<uuid>".unicodeScalars)
                scalars.replaceSubrange(index..<(index + pattern.count), with: mask)
                index += mask.count
            } else {
                index += 1
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }
}
