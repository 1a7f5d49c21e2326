import Synchronization
import ThreatFeedMail

/// Records the backoff delays instead of sleeping.
final class RecordingClock: MailClock {
    private let slept = Mutex<[Double]>([])
    var delays: [Double] { slept.withLock { $0 } }
    func sleep(seconds: Double) async throws { slept.withLock { $0.append(seconds) } }
}
