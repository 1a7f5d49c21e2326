import Foundation
import ThreatFeedCore
import ThreatFeedFormats

/// One page of a collection in TAXII 2.1 order (date added, then id), filtered as asked.
///
/// The collection holds the producer's `identity` (added when the indicator was created) and one `indicator` per
/// judgement of the feed's indicator, live or ended, until retention prunes it. A judgement's date added and
/// version are its label, which moves when it is re-seen or ended: that new version is what an incremental
/// poller receives. The earlier versions (kept by the store for the retention period) are read only when
/// `match[version]` asks for `first`, `all` or a timestamp, and for the versions endpoint.
struct TAXII2Page: Sendable {
    enum Object: Sendable {
        case identity
        case indicator(StoredJudgement)
    }

    struct Entry: Sendable {
        let dateAdded: TimestampLabel
        let id: String
        let version: TimestampLabel
        let object: Object
    }

    let entries: [Entry]
    let more: Bool

    /// Reads the page: entries after `cursor` and `addedAfter`, at most `limit`.
    static func read(
        _ reader: any JudgementVersionReader, indicator: Indicator, renderer: STIX2Renderer, filter: TAXII2Filter, cursor: TAXII2Cursor?, limit: Int
    ) throws -> TAXII2Page {
        // Just before the indicator's creation, so it never shares a date added with a judgement: a client paging by
        // `added_after` = the last date added it saw would otherwise skip one.
        let identityAdded = TimestampLabel(microseconds: TimestampLabel(indicator.created).microseconds - 1)
        var from = cursor?.dateAdded
        if let after = filter.addedAfter, after.microseconds < Int64.max {
            let next = TimestampLabel(microseconds: after.microseconds + 1)
            from = max(from ?? next, next)
        }
        func afterPosition(_ dateAdded: TimestampLabel, _ id: String) -> Bool {
            if let after = filter.addedAfter, dateAdded <= after { return false }
            guard let cursor else { return true }
            return dateAdded > cursor.dateAdded || (dateAdded == cursor.dateAdded && id > cursor.objectID)
        }
        let specMatches = filter.specVersions?.contains("2.1") ?? true
        var entries: [Entry] = []
        if specMatches, filter.types?.contains("indicator") ?? true {
            var judgementIDs: [String]?
            if let ids = filter.ids { judgementIDs = ids.compactMap(STIX2ObjectID.judgementID(ofIndicator:)) }
            let versions = filter.versions
            let selection = JudgementVersionSelection(
                newest: versions.last, earliest: versions.first, every: versions.all, labels: versions.modified)
            if judgementIDs?.isEmpty != true {
                // One more than the page to learn whether there is more, and one more again for the row the cursor sits on.
                let fetch = limit > Int.max - 2 ? limit : limit + 2
                try reader.forEachJudgementVersionByLabel(
                    ofIndicator: indicator.id, fromLabel: from, judgementIDs: judgementIDs, selection: selection, limit: fetch
                ) { stored in
                    let id = STIX2ObjectID.indicator(judgementID: stored.id)
                    guard afterPosition(stored.label, id) else { return }
                    entries.append(Entry(dateAdded: stored.label, id: id, version: STIX2Renderer.version(of: stored), object: .indicator(stored)))
                }
            }
        }
        let identityWanted = specMatches && (filter.types?.contains("identity") ?? true) && (filter.ids?.contains(renderer.identityID) ?? true)
        // The identity has one version: its first, last and only one.
        let identityVersionMatches = filter.versions.last || filter.versions.first || filter.versions.all
            || filter.versions.modified.contains(identityAdded)
        if identityWanted, identityVersionMatches, afterPosition(identityAdded, renderer.identityID) {
            let identity = Entry(dateAdded: identityAdded, id: renderer.identityID, version: identityAdded, object: .identity)
            let index = entries.firstIndex { ($0.dateAdded, $0.id) > (identity.dateAdded, identity.id) } ?? entries.endIndex
            entries.insert(identity, at: index)
        }
        let more = entries.count > limit
        return TAXII2Page(entries: Array(entries.prefix(limit)), more: more)
    }
}
