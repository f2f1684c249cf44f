#!/usr/bin/env bash
# Builds what the reliability stages need:
#   build/          the native RelWithDebInfo build the native stage made (incremental here):
#                   paltls_interop, paltls_peer, PKI (+ soak programs)
#   build-rel-mbedtls/  Mbed TLS's own ssl_server2/ssl_client2 from the same source and our
#                       configuration (plus tests/interop/mbedtls_programs_config.h)
# Usage: tests/interop/build-tools.sh [ninja targets for build...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REL="${PALTLS_REL_BUILD:-$ROOT/build}"
MBED="${PALTLS_REL_MBEDTLS_BUILD:-$ROOT/build-rel-mbedtls}"
JOBS="${PALTLS_JOBS:-2}"

mbedtls_source() {
  if [ -n "${MBEDTLS_SOURCE_DIR:-}" ]; then echo "$MBEDTLS_SOURCE_DIR"
  elif [ -n "${PALTLS_CACHE:-}" ]; then echo "$PALTLS_CACHE/mbedtls"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then echo "$XDG_CACHE_HOME/paltls/mbedtls"
  else echo "$HOME/.cache/paltls/mbedtls"; fi
}

if [ ! -f "$REL/build.ninja" ]; then
  cmake -S "$ROOT" -B "$REL" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$REL.configure.log" 2>&1 \
    || { mkdir -p "$REL"; cat "$REL.configure.log" >&2; exit 1; }
fi
targets=("$@")
[ "${#targets[@]}" -eq 0 ] && targets=(paltls_interop paltls_peer paltls_pki)
nice ninja -C "$REL" -j "$JOBS" "${targets[@]}" >"$REL.build.log" 2>&1 || { tail -n 40 "$REL.build.log" >&2; exit 1; }

src="$(mbedtls_source)"
if [ ! -f "$MBED/build.ninja" ]; then
  cmake -S "$src" -B "$MBED" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMBEDTLS_CONFIG_FILE="$ROOT/firmware/pal/mbedtls/paltls_mbedtls_config.h" \
    -DMBEDTLS_USER_CONFIG_FILE="$ROOT/tests/interop/mbedtls_programs_config.h" \
    -DENABLE_TESTING=OFF -DGEN_FILES=OFF -DMBEDTLS_FATAL_WARNINGS=OFF >"$MBED.configure.log" 2>&1 \
    || { cat "$MBED.configure.log" >&2; exit 1; }
fi
nice ninja -C "$MBED" -j "$JOBS" ssl_server2 ssl_client2 >"$MBED.build.log" 2>&1 || { tail -n 40 "$MBED.build.log" >&2; exit 1; }
