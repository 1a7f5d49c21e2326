#if canImport(CMalloc) && canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Caps glibc's malloc arenas for the server process.
///
/// glibc gives threads that allocate at once arenas of their own, up to eight per core; the server's NIO event
/// loops, Swift concurrency threads and GRDB's reader queues end up with about sixteen, and an arena returns little
/// to the system once it has grown. Under small TAXII polls at 8 connections (Benchmarks/poll-memory.sh) the
/// server's RSS went 47 → 99 → 104 → 106 → 106 → 114 MiB over five minutes with the default, and 48 → 104 MiB
/// in the first minute, then flat to the fifth, with two arenas (RESULTS.md, "Memory under small-poll load").
/// Set in code at the start of `serve`, so it holds however the server is started (systemd, container, by hand);
/// a `MALLOC_ARENA_MAX` in the environment wins.
public enum AllocatorArenas {
    public static let serverLimit: Int32 = 2

    public static func limitForServer() {
        #if canImport(CMalloc) && canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = mallopt(M_ARENA_MAX, serverLimit)
        #endif
    }
}
