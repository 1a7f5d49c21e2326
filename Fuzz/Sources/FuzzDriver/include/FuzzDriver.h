#ifndef THREATFEED_FUZZ_DRIVER_H
#define THREATFEED_FUZZ_DRIVER_H

/// Runs libFuzzer's driver on the target's LLVMFuzzerTestOneInput. SwiftPM links an executable target's `main` to
/// `<Target>_main`, so each target defines that symbol and hands its arguments here instead of relying on
/// libFuzzer's own `main`.
int threatfeed_fuzz_main(int argc, char **argv);

#endif
