#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/build.sh), replays every committed regression input
# (tests/fuzz/corpus/<target>/*), then fuzzes each target for SECONDS (default 20) from a working
# corpus in build-rel-fuzz/corpus/<target> seeded by fuzz_make_seeds and the test PKI.
# A crash leaves its input in build-rel-fuzz/artifacts/<target>/: commit it under
# tests/fuzz/corpus/<target>/ together with the fix (it is then replayed on every run).
#   tests/fuzz/run-fuzz.sh            # CI: 20 s per target
#   tests/fuzz/run-fuzz.sh 3600       # on demand: an hour per target
# Prints one line per target and "N passed, N failed, N skipped".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${PALTLS_FUZZ_BUILD:-$ROOT/build-rel-fuzz}"
SECONDS_PER_TARGET="${1:-20}"
TARGETS=(frame_decoder bridge pal_credentials)
passed=0
failed=0

if ! "$ROOT/tests/fuzz/build.sh"; then
  echo "fuzz: build failed (log: $DIR.build.log)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Seeds: frames and bridge replies from the generator; PKI objects behind each selector.
for t in "${TARGETS[@]}"; do mkdir -p "$DIR/corpus/$t" "$DIR/artifacts/$t"; done
"$DIR/fuzz_make_seeds" "$DIR/corpus"
PKI=""
for candidate in "$ROOT/build-rel/pki" "$ROOT/build/pki"; do
  [ -f "$candidate/ca.der" ] && { PKI="$candidate"; break; }
done
if [ -n "$PKI" ]; then
  for sel in 0 1 2 3 4 5 6 7 16 24 36; do
    for obj in ca.der device_cert.der device_key.der server.der server.key.der; do
      { printf "\\x$(printf %02x "$sel")\\x40"; cat "$PKI/$obj"; } >"$DIR/corpus/pal_credentials/seed-$sel-$obj"
    done
  done
  # Certificate followed by its CA (x509 verify) and certificate followed by its key.
  { printf '\x07\x00'; cat "$PKI/device_cert.der" "$PKI/ca.der"; } >"$DIR/corpus/pal_credentials/seed-x509-pair"
  { printf '\x04\x00'; cat "$PKI/device_cert.der" "$PKI/device_key.der"; } >"$DIR/corpus/pal_credentials/seed-cert-key"
fi

for t in "${TARGETS[@]}"; do
  bin="$DIR/fuzz_$t"
  log="$DIR/fuzz_$t.log"
  regressions=()
  if [ -d "$ROOT/tests/fuzz/corpus/$t" ]; then
    mapfile -t regressions < <(find "$ROOT/tests/fuzz/corpus/$t" -type f | sort)
  fi
  if [ "${#regressions[@]}" -gt 0 ]; then
    if ! timeout 300 "$bin" -timeout=10 "${regressions[@]}" >"$log.regressions" 2>&1; then
      grep -E 'ERROR|SUMMARY|Running:' "$log.regressions" | tail -n 5 >&2
      echo "FAIL fuzz_$t: a committed regression input crashes again (log: $log.regressions)"
      failed=$((failed + 1))
      continue
    fi
  fi
  timeout $((SECONDS_PER_TARGET + 120)) nice "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$DIR/artifacts/$t/" "$DIR/corpus/$t" >"$log" 2>&1
  rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
  corpus="$(find "$DIR/corpus/$t" -type f | wc -l)"
  if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5 >&2
    echo "FAIL fuzz_$t: exit $rc, ${execs:-?} executions (log: $log, artifacts: $DIR/artifacts/$t/)"
    failed=$((failed + 1))
  else
    echo "PASS fuzz_$t: $execs executions in ${SECONDS_PER_TARGET} s, corpus $corpus inputs, ${#regressions[@]} regression inputs replayed"
    passed=$((passed + 1))
  fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
