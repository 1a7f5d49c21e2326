import Foundation
import ThreatFeedCore

/// Whether a gateway's polling of a feed needs the administrator's attention (the red marks of the overview).
///
/// The client's *usual interval* is the mean time between its recorded polls: (last seen − first seen) / (polls − 1),
/// from its `client_poll` row, which counts every poll since the client was first seen (or since retention last
/// forgot it), and at least a minute: a gateway polls every few minutes, and a burst of polls (TAXII segments, a person
/// trying the URL) must not make a few seconds of silence look late. A client seen only once has no usual interval
/// yet, so it is never called late or behind.
struct ClientPollAssessment: Sendable, Equatable {
    /// Mean seconds between polls; nil before a second poll.
    let usualInterval: TimeInterval?
    /// Not polled within twice its usual interval.
    let late: Bool
    /// The feed changed after the client's last poll, and more than one usual interval ago: a client that polls on
    /// its interval would have the newest label by now.
    let behind: Bool
    /// The last poll was refused (wrong secret, unauthorized, unknown feed): the client is not getting the feed.
    let failing: Bool

    static let shortestInterval: TimeInterval = 60

    init(_ poll: ClientPoll, newestLabel: TimestampLabel?, now: Date) {
        if poll.polls >= 2, poll.lastSeen > poll.firstSeen {
            usualInterval = max(Self.shortestInterval, poll.lastSeen.timeIntervalSince(poll.firstSeen) / Double(poll.polls - 1))
        } else {
            usualInterval = nil
        }
        failing = !poll.succeeded
        guard let interval = usualInterval else {
            late = false
            behind = false
            return
        }
        late = now.timeIntervalSince(poll.lastSeen) > 2 * interval
        if let newest = newestLabel?.date, newest > poll.lastSeen {
            behind = now.timeIntervalSince(newest) > interval
        } else {
            behind = false
        }
    }

    var flags: [String] {
        (late ? ["late"] : []) + (behind ? ["behind"] : []) + (failing ? ["failing"] : [])
    }
}
