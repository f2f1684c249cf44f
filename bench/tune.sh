#!/usr/bin/env bash
# Measures the effect of single Mbed TLS options of the bench flavour (bench/config/bench_flavour.h)
# on the QEMU Cortex-M3 harness and the all-suites footprint image. One build directory per
# variant (build-bench-tune/<name>), incremental. Output: a Markdown table on stdout.
#
#   bench/tune.sh [variant ...]      default: all variants below
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-bench-tune"
declare -A variants=(
  [baseline]=""
  [w3_fpo0]="BENCH_ECP_FIXED_POINT_OPTIM=0"
  [w2_fpo1]="BENCH_ECP_WINDOW_SIZE=2"
  [w4_fpo1]="BENCH_ECP_WINDOW_SIZE=4"
  [w4_fpo0]="BENCH_ECP_WINDOW_SIZE=4;BENCH_ECP_FIXED_POINT_OPTIM=0"
  [w6_fpo1]="BENCH_ECP_WINDOW_SIZE=6"
  [no_asm]="BENCH_NO_HAVE_ASM=1"
  [no_aes_rom_tables]="BENCH_NO_AES_ROM_TABLES=1"
  [aes_four_tables]="BENCH_NO_AES_FEWER_TABLES=1"
  [all_ciphersuites]="BENCH_ALL_CIPHERSUITES=1"
  [x509_info]="BENCH_X509_INFO=1"
  [content_2048]="BENCH_CONTENT_LEN=2048"
  [content_4096]="BENCH_CONTENT_LEN=4096"
)
order=(baseline w3_fpo0 w2_fpo1 w4_fpo1 w4_fpo0 w6_fpo1 no_asm no_aes_rom_tables aes_four_tables all_ciphersuites x509_info content_2048 content_4096)
[ $# -gt 0 ] && order=("$@")
echo "| variant | definitions | ECDHE-ECDSA-CCM8 TLS client instr | PSK-CCM8 TLS client instr | ECDHE heap peak | PSK heap peak | ECDHE stack | fp_all_pal ROM (text+data) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for name in "${order[@]}"; do
  defs="${variants[$name]}"
  dir="$out/$name"
  nice cmake -S "$root/bench" -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-arm-none-eabi.cmake" \
    "-DBENCH_TUNE=$defs" >/dev/null
  nice ninja -C "$dir" -j2 bench_m3 fp_all_pal >/dev/null
  timeout 300 qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -monitor none -serial null \
    -semihosting-config enable=on,target=native -icount shift=0,align=off,sleep=off \
    -kernel "$dir/bench_m3.elf" > "$dir/bench.out" 2>&1 || true
  rom=$(arm-none-eabi-size "$dir/fp_all_pal.elf" | awk 'NR==2 { print $1 + $2 }')
  python3 - "$dir/bench.out" "$name" "$defs" "$rom" <<'PY'
import json, sys
rows = [json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith('BENCH ')]
def hs(suite):
    for r in rows:
        if r.get('kind') == 'handshake' and r['suite'] == suite and r['transport'] == 'tls' and r['impl'] == 'pal':
            return r
    return None
e, p = hs('ecdhe_ecdsa_aes128_ccm8'), hs('psk_aes128_ccm8')
if not e or not p or not e['ok'] or not p['ok']:
    print(f"| {sys.argv[2]} | `{sys.argv[3]}` | failed | | | | | {sys.argv[4]} |")
else:
    print(f"| {sys.argv[2]} | `{sys.argv[3] or '(bench_flavour.h defaults)'}` | {e['client_counter']:,} | {p['client_counter']:,} | "
          f"{e['client_heap_peak']:,} | {p['client_heap_peak']:,} | {e['client_stack']:,} | {int(sys.argv[4]):,} |")
PY
done
