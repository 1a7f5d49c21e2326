/// At most `limit` bcrypt verifications at once, the rest waiting in order; beyond `maxWaiting` waiters a check is
/// refused at once. bcrypt takes a quarter second of a core: without a cap, wrong passwords sent as fast as
/// possible would take every core from the gateways' polls.
actor PasswordCheckPermits {
    let limit: Int
    let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    var waitingCount: Int { waiting.count }

    init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `body` under a permit, or returns nil without running it when too many checks are already waiting.
    func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T? {
        if running >= limit {
            guard waiting.count < maxWaiting else { return nil }
            await withCheckedContinuation { waiting.append($0) }
            // The releasing task handed its permit over: `running` already counts this one.
        } else {
            running += 1
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
