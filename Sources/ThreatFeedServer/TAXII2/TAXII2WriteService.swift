import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedStore

/// `POST …/objects/` (TAXII 2.1 §5.4): indicators from users with a write grant land in the feed's indicator
/// through the import path — same checks and normalisation, one transaction — and the answer is a status
/// resource listing each object's success or failure, kept for `GET …/status/{id}/`.
struct TAXII2WriteService: Sendable {
    let store: Store
    let configuration: ServerConfiguration
    /// How long a written indicator stays valid when it gives no `valid_until` (as `import` without `--valid-for`).
    static let defaultValidity: TimeInterval = 30 * 86_400
    /// Objects per request: the body limit bounds them too, this keeps the status resource small.
    static let maximumObjects = 10_000

    func add(_ request: Request, feed: Feed, user: User, now: Date) async throws -> [UInt8] {
        guard try await store.read({ try $0.canWrite(feed: feed.id, user: user.id) }) else {
            throw TAXII2Error(status: .forbidden, title: "Forbidden", description: "This user may read this collection but not add to it.")
        }
        let contentType = request.headers[.contentType]?.lowercased().replacingOccurrences(of: " ", with: "") ?? ""
        let type = contentType.split(separator: ";").first.map(String.init) ?? ""
        let versionOK = !contentType.contains("version=") || contentType.contains("version=2.1")
        guard ["application/taxii+json", "application/stix+json", "application/json"].contains(type), versionOK else {
            throw TAXII2Error(status: .unsupportedMediaType, title: "Unsupported media type",
                              description: "Send an envelope as \(TAXII2MediaType.taxii).")
        }
        let limit = configuration.taxiiMaxRequestBytes
        let collected: ByteBuffer?
        do {
            collected = try await TAXIIController.collect(request.body, upTo: limit)
        } catch is RequestBodyDeadline.Exceeded {
            throw TAXII2Error(status: .requestTimeout, title: "Request timeout", description: "The request body did not arrive in time.")
        }
        guard let body = collected else {
            throw TAXII2Error(status: .contentTooLarge, title: "Request too large", description: "The body is larger than \(limit) bytes.")
        }
        guard let document = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let objects = document["objects"] as? [Any]
        else {
            throw TAXII2Error.badRequest("the body is not a TAXII envelope or STIX bundle: a JSON object with an \"objects\" array")
        }
        guard objects.count <= Self.maximumObjects else {
            throw TAXII2Error(status: .contentTooLarge, title: "Too many objects", description: "At most \(Self.maximumObjects) objects per request.")
        }
        var records: [(ImportRecord, String, String)] = []
        var failures: [(String, String, String)] = []
        for (index, object) in objects.enumerated() {
            let dictionary = object as? [String: Any]
            let id = dictionary?["id"] as? String ?? "object-\(index + 1)"
            let version = dictionary?["modified"] as? String ?? dictionary?["created"] as? String ?? ""
            switch STIX2ObjectReader.read(object, position: index + 1) {
            case .record(let record): records.append((record, id, version))
            case .refused(let reason): failures.append((id, version, reason))
            }
        }
        let statusID = RandomUUID.v4()
        let accepted = records
        let refused = failures
        let name = user.name.value
        let indicatorID = feed.indicatorID
        let statusBody = try await store.write { writer in
            for (record, id, _) in accepted {
                let judgement = Judgement(
                    observable: record.observable, disposition: record.disposition ?? .malicious, source: "taxii2:" + name,
                    confidence: record.confidence ?? .high, severity: record.severity ?? .high, tlp: record.tlp ?? .amber,
                    priority: 90, reason: record.reason,
                    validTime: ValidTime(start: record.validFrom ?? writer.now, end: record.validUntil ?? writer.now.addingTimeInterval(Self.defaultValidity)),
                    provenance: ["taxii2.user": name, "stix.id": id]
                )
                try writer.record(judgement, in: indicatorID)
            }
            let body = Self.status(id: statusID, at: writer.now, successes: accepted.map { ($0.1, $0.2) }, failures: refused)
            try writer.saveTAXII2Status(id: statusID, user: user.id, body: body)
            return body
        }
        return Array(statusBody.utf8)
    }

    func status(id: String, user: User) async throws -> [UInt8] {
        guard id.utf8.count <= 64, let body = try await store.read({ try $0.taxii2Status(id: id, user: user.id) }) else {
            throw TAXII2Error.notFound("No such status resource.")
        }
        return Array(body.utf8)
    }

    /// The status resource (§4.3): everything is done by the time we answer, so nothing is pending.
    static func status(id: String, at time: Date, successes: [(String, String)], failures: [(String, String, String)]) -> String {
        var out: [UInt8] = Array(#"{"id":"#.utf8)
        JSONString.append(id, to: &out)
        out += Array(#","status":"complete","request_timestamp":""#.utf8)
        TAXIITimestamp.append(TimestampLabel(time), to: &out)
        out += Array("\",\"total_count\":\(successes.count + failures.count),\"success_count\":\(successes.count)".utf8)
        out += Array(#","successes":["#.utf8)
        for (index, (id, version)) in successes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            detail(id, version, nil, &out)
        }
        out += Array("],\"failure_count\":\(failures.count),\"failures\":[".utf8)
        for (index, (id, version, message)) in failures.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            detail(id, version, message, &out)
        }
        out += Array(#"],"pending_count":0,"pendings":[]}"#.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func detail(_ id: String, _ version: String, _ message: String?, _ out: inout [UInt8]) {
        out += Array(#"{"id":"#.utf8)
        JSONString.append(id, to: &out)
        out += Array(#","version":"#.utf8)
        JSONString.append(version, to: &out)
        if let message {
            out += Array(#","message":"#.utf8)
            JSONString.append(message, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
