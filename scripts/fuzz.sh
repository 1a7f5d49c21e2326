#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every parser of untrusted input, for a bounded time.
#
#   scripts/fuzz.sh                      every target for 15 s (the CI setting)
#   scripts/fuzz.sh --seconds 60         every target for 60 s
#   scripts/fuzz.sh --minutes 10 TAXIIRequest BasicAuth    the named targets for 10 minutes each
#
# Runs one target at a time from a copy of its seed corpus (Fuzz/Corpus/NAME, kept as committed) and prints,
# per target, the executions and the coverage libFuzzer reached. A crash, a sanitizer report, a timeout or an
# out-of-memory fails the script; the input is saved under Fuzz/crashes/ and its base64 is printed.
# Every such input becomes a regression test (see Fuzz/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

seconds=15
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds/--minutes need a whole number" >&2; exit 2 ;; esac
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(TAXIIRequest TAXIITimestamp TAXII2Query CTIAQuery AcceptEncoding BasicAuth Observable Import JSONLocator SettingValues YAML ETDSearchPage AsyncOSAnswers SMTPReply)
fi

# -parse-as-library: the targets have no main; libFuzzer's is linked in. Release, because a debug build of an
# executable target links `main` to `<Target>_main` (SwiftPM's testable executables), which a libFuzzer target
# does not define; -enable-testing keeps @testable imports working in release.
flags=(-c release -Xswiftc -enable-testing -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "fuzz: building Fuzz/ with -sanitize=fuzzer,address"
build_started=$(date +%s)
(cd Fuzz && swift build "${flags[@]}" 2>&1 | grep -v "Cannot export local symbol '__asan" | tail -n 20; exit "${PIPESTATUS[0]}")
bin="$(cd Fuzz && swift build "${flags[@]}" --show-bin-path)"
echo "fuzz: built in $(( $(date +%s) - build_started )) s"

work="$root/Fuzz/.work"
crashes="$root/Fuzz/crashes"
mkdir -p "$work" "$crashes"
failed=()
printf '%-16s %10s %8s %8s %8s %s\n' target executions exec/s cov features result
for name in "${targets[@]}"; do
  exe="$bin/Fuzz$name"
  [ -x "$exe" ] || { echo "fuzz: no target Fuzz$name" >&2; exit 2; }
  corpus="$work/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp -R "Fuzz/Corpus/$name/." "$corpus/"
  log="$work/$name.log"
  status=0
  # detect_leaks=0: Swift runtime caches (metadata, Foundation singletons) look like leaks to LSan at exit.
  ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$exe" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$crashes/$name-" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status)"
    failed+=("$name")
  fi
  printf '%-16s %10s %8s %8s %8s %s\n' "$name" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR: |Fatal error|SUMMARY|Test unit written|^Base64' "$log" | head -n 20 | sed 's/^/    /'
    echo "    full log: $log"
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${failed[*]} failed; inputs are in Fuzz/crashes/" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
