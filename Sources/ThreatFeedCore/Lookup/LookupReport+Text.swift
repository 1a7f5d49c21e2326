/// The report for people (`threatfeed lookup` without `--json`).
extension LookupReport {
    public var text: String {
        var lines: [String] = []
        for result in results {
            let typed = result.input.map { " (from \($0))" } ?? ""
            lines.append("\(result.type):\(result.value)\(typed)")
            if !result.known { lines.append("  nothing known"); lines.append(""); continue }
            if result.judgements.isEmpty, result.heldBack.isEmpty { lines.append("  no judgement on this value itself") }
            Self.append(result.judgements, heldBack: result.heldBack, indent: "  ", to: &lines)
            for related in result.related {
                lines.append("  \(related.relation.rawValue) \(related.type):\(related.value)")
                Self.append(related.judgements, heldBack: related.heldBack, indent: "    ", to: &lines)
            }
            lines.append("")
        }
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private static func append(_ judgements: [LookupJudgement], heldBack: [LookupHeldBack], indent: String, to lines: inout [String]) {
        for j in judgements {
            let end = j.validTime.endTime ?? "no end"
            lines.append("\(indent)\(j.state.rawValue.uppercased()) \(j.dispositionName) in \(j.indicator) from \(j.source), priority \(j.priority), valid \(j.validTime.startTime) to \(end)")
            if let reason = j.reason { lines.append("\(indent)  reason: \(reason)") }
            for conviction in j.etd {
                let subject = conviction.subject.map { ", subject \"\($0)\"" } ?? ""
                lines.append("\(indent)  ETD message \(conviction.messageID), verdict \(conviction.verdict)\(subject)\(conviction.cleared ? " (cleared)" : "")")
            }
            if j.feeds.isEmpty { lines.append("\(indent)  no feed serves indicator \(j.indicator)") }
            for feed in j.feeds {
                lines.append("\(indent)  feed \(feed.feed): \(feed.serving ? "serving" : "not serving")")
                if feed.clients.isEmpty { lines.append("\(indent)    no client has polled it") }
                for client in feed.clients { lines.append("\(indent)    \(client.client) (\(client.kind)): \(client.status)") }
            }
        }
        for held in heldBack {
            let from = held.conviction.map { " (ETD message \($0.messageID), verdict \($0.verdict))" } ?? ""
            lines.append("\(indent)HELD BACK \(held.reason.rawValue) at \(held.at)\(from)")
        }
    }
}
