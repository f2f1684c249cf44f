#!/usr/bin/env bash
# The native libraries form layers (docs/architecture.md "Link layers"): this reads which
# library's undefined symbols each other library defines (nm) and fails on any cycle, between
# libraries or between the objects of one library given with --objects.
#   tests/agent/check-link-layers.sh [--objects LIB] LIB...
# Prints the edges it found and "N passed, N failed, 0 skipped".
set -uo pipefail

object_libs=()
libs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --objects) object_libs+=("$2"); shift 2 ;;
    *) libs+=("$1"); shift ;;
  esac
done
[ "${#libs[@]}" -gt 0 ] || { echo "usage: $0 [--objects LIB] LIB..." >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# "node symbol" lines: what each node defines and what it needs.
defined_and_needed() { # node-kind(lib|obj) archive
  local kind="$1" archive="$2" name
  name="$(basename "$archive")"
  nm -A --defined-only -g "$archive" 2>/dev/null | awk -v k="$kind" -v n="$name" '
    NF >= 3 { split($1, p, ":"); node = (k == "lib") ? n : p[2]; print node, $NF }' >>"$tmp/defined"
  nm -A --undefined-only -g "$archive" 2>/dev/null | awk -v k="$kind" -v n="$name" '
    { split($1, p, ":"); node = (k == "lib") ? n : p[2]; print node, $NF }' >>"$tmp/needed"
}

# Edges "a b": node a needs a symbol that node b defines (a != b).
edges() {
  sort -u "$tmp/defined" | sort -k2,2 >"$tmp/d"
  sort -u "$tmp/needed" | sort -k2,2 >"$tmp/n"
  join -1 2 -2 2 -o 1.1,2.1 "$tmp/n" "$tmp/d" | awk '$1 != $2' | sort -u
}

# Fails (prints the cycle) if the edge list on stdin has one: depth-first search in awk.
acyclic() {
  awk '
    { out[$1] = out[$1] " " $2; nodes[$1] = 1; nodes[$2] = 1 }
    function visit(v,   n, i, list) {
      state[v] = 1; path[++depth] = v
      n = split(out[v], list, " ")
      for (i = 1; i <= n; i++) {
        if (state[list[i]] == 1) { cycle = list[i]; for (j = 1; j <= depth; j++) printf "%s -> ", path[j]; print list[i]; return 1 }
        if (state[list[i]] == 0 && visit(list[i])) return 1
      }
      state[v] = 2; depth--
      return 0
    }
    END { for (v in nodes) if (state[v] == 0 && visit(v)) exit 1 }'
}

passed=0
failed=0
: >"$tmp/defined"; : >"$tmp/needed"
for lib in "${libs[@]}"; do defined_and_needed lib "$lib"; done
edges >"$tmp/lib-edges"
sed 's/^/  uses: /' "$tmp/lib-edges"
if acyclic <"$tmp/lib-edges"; then
  echo "PASS libraries: no cycle among ${#libs[@]} libraries"
  passed=$((passed + 1))
else
  echo "FAIL libraries: the cycle above"
  failed=$((failed + 1))
fi
for lib in "${object_libs[@]}"; do
  : >"$tmp/defined"; : >"$tmp/needed"
  defined_and_needed obj "$lib"
  edges >"$tmp/obj-edges"
  if acyclic <"$tmp/obj-edges"; then
    echo "PASS objects of $(basename "$lib"): no cycle"
    passed=$((passed + 1))
  else
    echo "FAIL objects of $(basename "$lib"): the cycle above"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
