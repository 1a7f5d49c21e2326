import ThreatFeedCore

/// Which live judgements a changed policy no longer publishes. A judgement backed by several
/// convictions ends only when the policy holds it back in every one's context (one attacker's
/// own server stays listed even if another message from it came through gmail.com).
public enum PolicyReview {
    public static func endings(of live: [LiveConvictionJudgement], under policy: SafetyPolicy) -> [PolicyEnding] {
        live.compactMap { judgement in
            let contexts = judgement.contexts.isEmpty ? [SenderContext.none] : judgement.contexts
            var reason: HoldBackReason?
            for context in contexts {
                guard let why = policy.decide(judgement.observable, context: context).reason else { return nil }
                reason = reason ?? why
            }
            return reason.map { PolicyEnding(judgementID: judgement.id, observable: judgement.observable, reason: $0) }
        }
    }
}
