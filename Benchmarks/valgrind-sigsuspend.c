// Preloaded only under valgrind (Benchmarks/callgrind-server.sh). Swift's async main ends in libdispatch's
// _dispatch_sigsuspend, which calls sigsuspend() with a `static const` empty mask in read-only memory;
// valgrind 3.19 writes into the caller's mask during rt_sigsuspend (to keep its own signal out) and dies
// with SIGSEGV ("VALGRIND INTERNAL ERROR: signal 11"). Passing a writable copy changes nothing else.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
  sigset_t copy = *mask;
  return (int)syscall(SYS_rt_sigsuspend, &copy, (long)(_NSIG / 8));
}
