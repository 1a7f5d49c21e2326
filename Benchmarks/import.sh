#!/usr/bin/env bash
# Import benchmark: N generated mixed indicators from a text file into a fresh database.
# Prints observables per second and peak memory (max RSS) of the import process.
# usage: Benchmarks/import.sh [N=1000000] [BIN=release threatfeed]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
work="Benchmarks/.work"; mkdir -p "$work"
file="$work/indicators-$n.txt"
[ -s "$file" ] || python3 Benchmarks/generate.py "$n" > "$file"
for run in 1 2 3; do
  rm -f "$work/import.sqlite"*
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" import "$file" --indicator bench --db "$work/import.sqlite" > "$work/import.out"
  read -r seconds kib < "$work/time.txt"
  echo "import.n$n.run$run seconds=$seconds observables_per_s=$(python3 -c "print(round($n/$seconds))") peak_rss_MiB=$(python3 -c "print(round($kib/1024,1))") $(tail -1 "$work/import.out")"
done
# Re-import of the same file: every line refreshes.
/usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" import "$file" --indicator bench --db "$work/import.sqlite" > "$work/import.out"
read -r seconds kib < "$work/time.txt"
echo "reimport.n$n seconds=$seconds observables_per_s=$(python3 -c "print(round($n/$seconds))") peak_rss_MiB=$(python3 -c "print(round($kib/1024,1))") $(tail -1 "$work/import.out")"
echo "database_MiB=$(du -m "$work/import.sqlite" | cut -f1)"
