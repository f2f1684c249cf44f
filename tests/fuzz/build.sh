#!/usr/bin/env bash
# Configures and builds the libFuzzer targets with Debian clang into build-rel-fuzz/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${PALTLS_FUZZ_BUILD:-$ROOT/build-rel-fuzz}"
JOBS="${PALTLS_JOBS:-2}"
FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
if [ ! -f "$DIR/build.ninja" ]; then
  CC=clang cmake -S "$ROOT" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPALTLS_FUZZ=ON \
    -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >"$DIR.configure.log" 2>&1 \
    || { mkdir -p "$DIR"; cat "$DIR.configure.log" >&2; exit 1; }
fi
nice ninja -C "$DIR" -j "$JOBS" fuzz_frame_decoder fuzz_bridge fuzz_pal_credentials fuzz_make_seeds >"$DIR.build.log" 2>&1 \
  || { tail -n 60 "$DIR.build.log" >&2; exit 1; }
