#!/usr/bin/env bash
# The attacker of Benchmarks/abuse.sh: wrong Basic-auth passwords in TAXII Poll_Requests, as fast as answers come,
# over 8 connections, until killed (abuse.sh runs it in its own session and kills the session), and bounded anyway.
#   one URL BODY AUTH           8 keep-alive connections from 127.0.0.2 (curl --parallel), at most 2,000,000 attempts
#   distributed URL BODY AUTH   8 workers, each moving to a fresh 127.x.y.z address every 4 attempts (keep-alive
#                               within the 4), at most 62,500 addresses each: stays under the per-address back-off
set -uo pipefail
mode="$1"; url="$2"; body="$3"; auth="$4"
headers=(-H 'Content-Type: application/xml' -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1'
  -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' -H "Authorization: $auth")
case "$mode" in
  one)
    curl -s -Z --parallel-max 8 --interface 127.0.0.2 "${headers[@]}" --data-binary @"$body" "$url?attempt=[1-2000000]" \
      -o /dev/null > /dev/null 2>&1
    ;;
  distributed)
    for worker in 1 2 3 4 5 6 7 8; do
      (
        for ((i = 0; i < 62500; i++)); do
          curl -s --interface "127.$((worker + 10)).$((i / 250 + 1)).$((i % 250 + 1))" "${headers[@]}" \
            --data-binary @"$body" "$url?attempt=[1-4]" -o /dev/null > /dev/null 2>&1
        done
      ) &
    done
    wait
    ;;
  *) echo "usage: $0 one|distributed URL BODY AUTH" >&2; exit 2 ;;
esac
