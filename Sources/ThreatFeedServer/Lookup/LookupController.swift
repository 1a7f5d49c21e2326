import Foundation
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// `POST /lookup`: `[{"type","value"}, …]` or `{"text":"…"}` in, the `LookupReport` JSON out (the same as
/// `threatfeed lookup --json`).
struct LookupController: Sendable {
    let store: any ObservableLookups
    let access: LookupAccess
    let recorder: PollRecorder
    let limits: LookupLimits
    let clock: @Sendable () -> Date

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/lookup") { request, context in
            if let refusal = try await access.refusal(request, context) { return refusal }
            // The same reading as TAXII's: bounded in size and in time, a larger body drained so the client reads the answer.
            let collected: ByteBuffer?
            do {
                collected = try await TAXIIController.collect(request.body, upTo: limits.maxBodyBytes)
            } catch is RequestBodyDeadline.Exceeded {
                return Self.error(.requestTimeout, "the request body did not arrive in time")
            }
            guard let body = collected else {
                return Self.error(.contentTooLarge, "body larger than \(limits.maxBodyBytes) bytes")
            }
            let subjects: [LookupSubject]
            do throws(LookupRequestBody.Problem) {
                subjects = try LookupRequestBody.subjects(
                    from: Data(body.readableBytesView), maxObservables: limits.maxObservables, unknownTypes: .refuse, allowText: true
                )
            } catch {
                return Self.error(.badRequest, error.message)
            }
            return try await answer(subjects)
        }
        // The same for a browser (XDR's refer links point here): `?term=type:"value"`, repeatable.
        router.get("/lookup") { request, context in
            if let refusal = try await access.refusal(request, context) { return refusal }
            let terms = request.uri.queryParameters.getAll("term").map { String($0) }
            guard !terms.isEmpty, terms.count <= limits.maxObservables else {
                return Self.error(.badRequest, "give 1 to \(limits.maxObservables) term= parameters")
            }
            var subjects: [LookupSubject] = []
            for term in terms {
                do throws(ObservableError) {
                    subjects.append(try LookupTerm.parse(term))
                } catch {
                    return Self.error(.badRequest, "\(String(term.prefix(80))): \(error.reason)")
                }
            }
            return try await answer(subjects)
        }
    }

    private func answer(_ subjects: [LookupSubject]) async throws -> Response {
        // Polls are counted in memory and saved every few seconds: save them so "delivered" is current.
        await recorder.flush()
        let report = try await store.lookup(subjects, now: clock())
        return Self.json(.ok, report.json())
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let text: String = JSONString.object(["error": message])
        return json(status, Data(text.utf8))
    }

    static func json(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// How much one lookup call may ask: body bytes and observables.
public struct LookupLimits: Sendable {
    public var maxBodyBytes: Int
    public var maxObservables: Int

    public init(maxBodyBytes: Int = 256 * 1024, maxObservables: Int = 1_000) {
        self.maxBodyBytes = maxBodyBytes
        self.maxObservables = maxObservables
    }
}
