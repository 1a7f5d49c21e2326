import Foundation
import ThreatFeedCore

extension Store: JudgementVersions {
    public func readJudgementVersions<T: Sendable>(_ body: @escaping @Sendable (any JudgementVersionReader) throws -> T) async throws -> T {
        try await read { reader in try body(StoreJudgementVersionReader(reader: reader)) }
    }
}

/// `StoreReader`'s version query behind `JudgementVersionReader`: rows go straight to the visitor.
struct StoreJudgementVersionReader: JudgementVersionReader {
    let reader: StoreReader

    func forEachJudgementVersionByLabel(
        ofIndicator id: String, fromLabel: TimestampLabel?, judgementIDs: [String]?, selection: JudgementVersionSelection, limit: Int,
        _ body: (StoredJudgement) throws -> Void
    ) throws {
        try reader.forEachJudgementVersionByLabel(
            ofIndicator: id, fromLabel: fromLabel, judgementIDs: judgementIDs, selection: selection, limit: limit, body
        )
    }
}
