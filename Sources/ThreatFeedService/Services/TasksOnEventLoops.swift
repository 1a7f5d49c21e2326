import NIOCore
import NIOPosix

/// Runs the server's Swift tasks on NIO's event loops instead of Swift's own thread pool.
///
/// Every Hummingbird handler is a task. With Swift's pool, a request crossed from its connection's event loop to a
/// pool thread and back, and on a small TAXII poll those thread wake-ups were a quarter of the server's time.
/// NIO keeps a task on the event loop that wakes it, so a request runs on its connection's thread
/// (RESULTS.md, "Small TAXII polls on the event loops, session 6").
///
/// The pool's threads are now the threads that do I/O, so nothing in the server may block a task for long:
/// bcrypt runs on NIO's thread pool, SQLite's async reads and writes on GRDB's queues, and only small reads
/// (`Store.readOnCallersThread`, whose connections never wait on a task) run on the task's own thread. Installed
/// once, first thing in `serve`; the other commands, which block (an import parses on one thread and waits for it),
/// keep Swift's pool.
public enum TasksOnEventLoops {
    public static func install() {
        // False only where the runtime has no hook (not Linux or macOS): the server then runs on Swift's pool, as before.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
