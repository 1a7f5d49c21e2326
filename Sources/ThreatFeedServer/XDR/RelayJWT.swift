import Crypto
import Foundation
import ThreatFeedCore

/// The bearer JWT Cisco XDR sends to a relay module: HS256 over a key both sides know (the module's
/// configured key; `threatfeed xdr token` makes the token an administrator pastes into XDR's module form).
///
/// No JWT library: the token is `base64url(header).base64url(payload).base64url(HMAC-SHA256)`; the header must
/// say `"alg":"HS256"` (anything else, `none` included, is refused), the MAC is compared in constant time, and
/// `exp` / `nbf` are checked when present.
public struct RelayJWT: Sendable {
    /// Why a token was refused. The messages are the relay template's (`api/utils.py`), where it has one.
    public enum Refusal: Error, Equatable, Sendable {
        case missingHeader
        case wrongScheme
        case wrongStructure
        case wrongKey
        case wrongPayload
        case expired
        case notYetValid

        public var message: String {
            switch self {
            case .missingHeader: "Authorization header is missing"
            case .wrongScheme: "Wrong authorization type"
            case .wrongStructure: "Wrong JWT structure"
            case .wrongKey: "Failed to decode JWT with provided key"
            case .wrongPayload: "Wrong JWT payload structure"
            // Not in the template (it checks no times): our own words.
            case .expired: "JWT has expired"
            case .notYetValid: "JWT is not valid yet"
            }
        }
    }

    /// Shortest key accepted: HS256 keys shorter than the hash are weak (RFC 7518 §3.2).
    public static let minimumKeyBytes = 32
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: String) {
        self.keyBytes = Array(key.utf8)
    }

    /// Checks an `Authorization` header value and returns the token's claims.
    public func verify(authorization: String?, now: Date) throws(Refusal) -> [String: Any] {
        guard let authorization else { throw .missingHeader }
        let parts = authorization.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .wrongScheme }
        return try verify(token: parts[1], now: now)
    }

    func verify(token: Substring, now: Date) throws(Refusal) -> [String: Any] {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let headerData = Self.base64URLDecode(segments[0]),
            let payloadData = Self.base64URLDecode(segments[1]), let signature = Self.base64URLDecode(segments[2]),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any]
        else { throw .wrongStructure }
        // The algorithm is fixed, never taken from the token: `none` or RS256-with-our-key tricks fail here.
        guard header["alg"] as? String == "HS256" else { throw .wrongStructure }
        let signed = Data(token[..<segments[1].endIndex].utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: key) else { throw .wrongKey }
        guard let claims = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any] else { throw .wrongPayload }
        let seconds = now.timeIntervalSince1970
        if let exp = claims["exp"] {
            guard let value = (exp as? NSNumber)?.doubleValue, value.isFinite else { throw .wrongPayload }
            if seconds >= value { throw .expired }
        }
        if let nbf = claims["nbf"] {
            guard let value = (nbf as? NSNumber)?.doubleValue, value.isFinite else { throw .wrongPayload }
            if seconds < value { throw .notYetValid }
        }
        return claims
    }

    /// A token for XDR's module form: `{"iss":"threatfeed","sub":"xdr","iat":…}` plus `exp` when it should expire.
    public func token(issuedAt: Date, expires: Date?) -> String {
        var payload = #"{"iat":\#(Int64(issuedAt.timeIntervalSince1970)),"iss":"threatfeed","#
        if let expires { payload += #""exp":\#(Int64(expires.timeIntervalSince1970)),"# }
        payload += #""sub":"xdr"}"#
        let signingInput = Self.base64URLEncode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + Self.base64URLEncode(Data(payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key)
        return signingInput + "." + Self.base64URLEncode(Data(mac))
    }

    static func base64URLEncode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        guard text.utf8.count <= 16 * 1024 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        let remainder = base64.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: base64)
    }
}
