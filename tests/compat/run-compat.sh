#!/usr/bin/env bash
# Drop-in check against the upstream PAL TLS API (mbed-client-pal 4.13.4): compat_api.c (every
# upstream TLS function bound to a pointer of its exact upstream type and called with upstream
# types) and compat_values.c (upstream's numeric values of every status code and TLS enum) are
# compiled with -Werror against our headers in each configuration whose declarations differ
# (server mode, PSA keys, no session resume), linked against the PAL built in BUILD_DIR, and the
# value table is run; our own pal_plat_TLS.c and pal_TLS.c must compile in the same
# configurations. One result line per check; the last line is "N passed, N failed, N skipped".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="$BUILD/compat"
CC="${CC:-cc}"
mkdir -p "$OUT"

PASSED=0
FAILED=0
CFLAGS=(-std=c99 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
        -Wincompatible-pointer-types
        -I "$ROOT/firmware/pal/include" -I "$ROOT/firmware/pal/port" -I "$ROOT/tests/compat")

pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; }

# Libraries of the native build in layer order (core, network port, OS port), for the link of
# the default configuration.
LIBS=("$BUILD/libpal_core.a" "$BUILD/libpal_port_posix_net.a" "$BUILD/libpal_port_posix.a" "$BUILD/libpaltls_mbedtls.a")

compile_variant() { # name defines...
  local name="$1" log
  shift
  log="$OUT/$name.log"
  if "$CC" "${CFLAGS[@]}" "$@" -c "$ROOT/tests/compat/compat_api.c" -o "$OUT/$name-api.o" >"$log" 2>&1 &&
     "$CC" "${CFLAGS[@]}" "$@" -c "$ROOT/tests/compat/compat_values.c" -o "$OUT/$name-values.o" >>"$log" 2>&1; then
    pass "$name: upstream declarations compile with -Werror"
    return 0
  fi
  cat "$log"
  fail "$name: upstream declarations compile with -Werror"
  return 1
}

run_values() { # name
  local name="$1" line
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) pass "${line#ok - }" ;;
      "not ok - "*) fail "${line#not ok - }" ;;
    esac
  done < <("$OUT/$name" "$name")
}

# Default configuration of the native build (server mode on): compiled, linked, values run.
if compile_variant native -DPAL_TLS_SUPPORT_SERVER_MODE; then
  if "$CC" -o "$OUT/native" "$OUT/native-api.o" "$OUT/native-values.o" \
       -Wl,--start-group "${LIBS[@]}" -Wl,--end-group -lpthread >"$OUT/native-link.log" 2>&1; then
    pass "native: every upstream TLS name links against our PAL"
    run_values native
  else
    cat "$OUT/native-link.log"
    fail "native: every upstream TLS name links against our PAL"
  fi
fi

# Declaration-only configurations (values compared at run time of a header-only build).
for variant in "client-only:" "psa:-DPAL_TLS_SUPPORT_SERVER_MODE -DMBED_CONF_MBED_CLOUD_CLIENT_PSA_SUPPORT" \
               "no-resume:-DPAL_TLS_SUPPORT_SERVER_MODE -DPAL_USE_SSL_SESSION_RESUME=0"; do
  name="${variant%%:*}"
  read -r -a defines <<<"${variant#*:}"
  if compile_variant "$name" "${defines[@]}"; then
    # The values object stands alone once the call unit is left out.
    if "$CC" "${CFLAGS[@]}" "${defines[@]}" -DCOMPAT_VALUES_ONLY -o "$OUT/$name" \
         "$ROOT/tests/compat/compat_values.c" >"$OUT/$name-link.log" 2>&1; then
      run_values "$name"
    else
      cat "$OUT/$name-link.log"
      fail "$name: value table builds"
    fi
  fi
done

# Our own pal_plat_TLS.c and pal_TLS.c in the same configurations, with the native build's flags
# (server mode is the build's choice there, so it is taken out and put back per variant).
source_flags() { # source-file-suffix
  python3 - "$BUILD/compile_commands.json" "$1" <<'PY'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"].endswith(sys.argv[2]):
        args = shlex.split(entry["command"])[1:]
        out = []
        skip = False
        for arg in args:
            if skip:
                skip = False
            elif arg in ("-o", "-c"):
                skip = True
            elif arg != "-DPAL_TLS_SUPPORT_SERVER_MODE":
                out.append(arg)
        sys.stdout.write("\0".join(out))
        break
PY
}

for source in firmware/pal/mbedtls/pal_plat_TLS.c firmware/pal/core/pal_TLS.c; do
  mapfile -d '' flags < <(source_flags "$source")
  if [ "${#flags[@]}" -eq 0 ]; then
    fail "$source: no compile command in $BUILD/compile_commands.json"
    continue
  fi
  for variant in "server-mode:-DPAL_TLS_SUPPORT_SERVER_MODE" "client-only:" \
                 "psa:-DPAL_TLS_SUPPORT_SERVER_MODE -DMBED_CONF_MBED_CLOUD_CLIENT_PSA_SUPPORT" \
                 "no-resume:-DPAL_TLS_SUPPORT_SERVER_MODE -DPAL_USE_SSL_SESSION_RESUME=0"; do
    name="${variant%%:*}"
    read -r -a defines <<<"${variant#*:}"
    if "$CC" "${flags[@]}" "${defines[@]}" -fsyntax-only "$ROOT/$source" >"$OUT/source.log" 2>&1; then
      pass "$name: $source compiles with -Werror"
    else
      cat "$OUT/source.log"
      fail "$name: $source compiles with -Werror"
    fi
  done
done

echo "$PASSED passed, $FAILED failed, 0 skipped"
[ "$FAILED" -eq 0 ]
