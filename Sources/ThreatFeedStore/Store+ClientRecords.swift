import Foundation
import ThreatFeedCore

extension Store: ClientRecords {
    public func saveClientRecords(
        _ polls: [ClientPoll], samples: [RequestSample], hours: [(feed: String, count: ClientHourCount)], perClient: Int, maxClients: Int
    ) async throws -> Int {
        try await write { writer in
            let dropped = try writer.save(polls, maxClients: maxClients)
            try writer.save(samples, perClient: perClient, maxClients: maxClients)
            try writer.save(hours)
            return dropped
        }
    }

    public func clientRecords(limit: Int, offset: Int) async throws -> (polls: [ClientPoll], samples: [RequestSample], total: Int) {
        try await read { reader in
            let polls = try reader.clientPolls(limit: limit, offset: offset)
            return (polls, try reader.requestSamples(of: Set(polls.map(\.client))), try reader.clientPollCount())
        }
    }
}
