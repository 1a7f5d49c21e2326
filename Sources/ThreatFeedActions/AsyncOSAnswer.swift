import Foundation

/// What ThreatFeed reads out of AsyncOS (SMA, gateway) answer bodies and headers. Pure, so the peer's bytes
/// are fuzzed without a socket: any body gives a value or nil, never a trap.
enum AsyncOSAnswer {
    /// Largest `Retry-After` taken literally (a day); longer asks are clamped here and then by the caller's maximum.
    static let maxRetryAfterSeconds = 86_400

    /// `data.jwtToken` of a login answer: nil when the body is not the JSON envelope, `""` when the token is missing.
    static func jwtToken(in body: Data) -> String? {
        guard let answer = try? JSONDecoder().decode(LoginAnswer.self, from: body) else { return nil }
        return answer.data?.jwtToken ?? ""
    }

    /// The envelope's `error.message`, with `error.explanation` in parentheses; unscrubbed, unshortened.
    static func errorMessage(in body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let error = object["error"] as? [String: Any], let message = error["message"] as? String
        else { return nil }
        return message + ((error["explanation"] as? String).map { " (\($0))" } ?? "")
    }

    /// `meta.totalCount` when it is a whole number from zero up; anything else (negative, fractional, a boolean,
    /// a string, beyond Int) is no count. JSONDecoder, not JSONSerialization: the latter reads `true` as 1.
    static func totalCount(in body: Data) -> Int? {
        guard let answer = try? JSONDecoder().decode(CountAnswer.self, from: body), let total = answer.meta?.totalCount,
            total >= 0
        else { return nil }
        return total
    }

    /// `Retry-After` as delay-seconds (RFC 9110: 1*DIGIT); the HTTP-date form, signs, fractions and exponents are
    /// not a delay we act on. Any number of digits is read without overflow and clamped to a day.
    static func retryAfterSeconds(_ text: String) -> Double? {
        let digits = text.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        var value = 0
        for byte in digits.utf8 {
            value = min(value * 10 + Int(byte - UInt8(ascii: "0")), maxRetryAfterSeconds)
        }
        return Double(value)
    }

    private struct CountAnswer: Decodable {
        struct Meta: Decodable { var totalCount: Int? }
        var meta: Meta?
    }

    private struct LoginAnswer: Decodable {
        struct Inner: Decodable { var jwtToken: String? }
        var data: Inner?
    }
}
