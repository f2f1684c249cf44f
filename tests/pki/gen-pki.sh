#!/usr/bin/env bash
# Generates the test PKI of spec section 5.19 into OUTDIR (ECDSA P-256 / SHA-256, explicit validity
# dates through `openssl ca`). Idempotent: does nothing when OUTDIR is complete and newer than this
# script. The PKI is built in a temporary directory next to OUTDIR and renamed into place, so a
# half-made PKI never exists under OUTDIR. See tests/pki/README.md for the file list.
set -euo pipefail

SCRIPT="${BASH_SOURCE[0]}"
PROG="gen-pki.sh"

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: $PROG OUTDIR"
OUTDIR="${1%/}"
[ -n "$OUTDIR" ] || die "OUTDIR must not be empty"

# Validity windows (GeneralizedTime as accepted by `openssl ca -startdate/-enddate`).
WIN_START=20180101000000Z
# The server certificate must be valid now +/- 12 h and expired at TF (2037-12-27). It ends
# 2030-12-31 (also expired at 2031-04-30, which the reference's non-secure-time variant wants), or
# two years from now once that is later, so the suite keeps working until about 2035.
REFERENCE_END=20301231235959Z
reference_end_epoch="$(date -u -d 2030-12-31T23:59:59Z +%s)"
two_years_epoch=$(( $(date +%s) + 2 * 365 * 86400 ))
if [ "$two_years_epoch" -gt "$reference_end_epoch" ]; then
  WIN_END="$(date -u -d "@$two_years_epoch" +%Y%m%d%H%M%SZ)"
else
  WIN_END="$REFERENCE_END"
fi
EXPIRED_END=20191231235959Z
FUTURE_START=20400101000000Z
FUTURE_END=20451231235959Z

# Every file a complete PKI has; the peer and the runners read these names.
OUTPUTS=(
  ca.der ca.key.der ca.pem ca_id.bin
  server.der server.key.der
  device_cert.der device_key.der device_cert.pem device_key.pem
  server_expired.der server_expired.key.der
  server_future.der server_future.key.der
  unrelated_ca.der unrelated_ca.key.der unrelated_ca.pem
  server_unrelated.der server_unrelated.key.der
  server_badku.der server_badku.key.der
)

is_up_to_date() {
  local f
  [ -f "$OUTDIR/ca.der" ] && [ "$OUTDIR/ca.der" -nt "$SCRIPT" ] || return 1
  for f in "${OUTPUTS[@]}"; do
    [ -s "$OUTDIR/$f" ] || return 1
  done
  # A PKI made long ago may no longer cover "now + 12 h": make a new one then.
  openssl x509 -inform DER -in "$OUTDIR/server.der" -noout -checkend 43200 >/dev/null 2>&1
}

if is_up_to_date; then
  printf 'pki: up to date in %s\n' "$OUTDIR"
  exit 0
fi

command -v openssl >/dev/null 2>&1 ||
  die "openssl not found in PATH; install the Debian 'openssl' package (./scripts/setup does)"

mkdir -p "$(dirname "$OUTDIR")"
# Serialise concurrent runs for the same OUTDIR (parallel builds); re-check once we own the lock.
exec 9>"$OUTDIR.lock"
flock 9
if is_up_to_date; then
  printf 'pki: up to date in %s\n' "$OUTDIR"
  exit 0
fi

WORK="$(mktemp -d "$OUTDIR.tmp.XXXXXX")"
OLD=""
cleanup() {
  rm -rf "$WORK"
  if [ -n "$OLD" ]; then rm -rf "$OLD"; fi
}
trap cleanup EXIT

LOG="$WORK/openssl.log"
: >"$LOG"

# Runs a command quietly; on failure shows the command and everything openssl said.
run() {
  if ! "$@" >>"$LOG" 2>&1; then
    printf '%s: error: command failed: %s\n' "$PROG" "$*" >&2
    cat "$LOG" >&2
    exit 1
  fi
}

# Writes the `openssl ca` configuration and database of one CA into directory $1.
make_ca_dir() {
  local dir="$1"
  mkdir -p "$dir/newcerts"
  : >"$dir/index.txt"
  echo 1000 >"$dir/serial"
  cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = CA_default

[CA_default]
dir = $dir
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir/newcerts
default_md = sha256
policy = policy_cn
copy_extensions = none
unique_subject = no
email_in_dn = no

[policy_cn]
commonName = supplied

[req]
distinguished_name = req_dn
prompt = no

[req_dn]
CN = unused

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[v3_srv]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[v3_cli]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[v3_badku]
basicConstraints = CA:FALSE
keyUsage = critical,keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

# new_key NAME: P-256 key in $WORK/NAME.key (PEM) and NAME.key.der (SEC1 DER).
new_key() {
  run openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/$1.key"
  run openssl ec -in "$WORK/$1.key" -outform DER -out "$WORK/$1.key.der"
}

# self_signed_ca NAME CN: a root CA signed with its own key, in its own `openssl ca` database.
self_signed_ca() {
  local name="$1" cn="$2"
  make_ca_dir "$WORK/$name.db"
  new_key "$name"
  run openssl req -new -config "$WORK/$name.db/ca.cnf" -key "$WORK/$name.key" -subj "/CN=$cn" \
    -out "$WORK/$name.csr"
  run openssl ca -batch -notext -config "$WORK/$name.db/ca.cnf" -selfsign \
    -keyfile "$WORK/$name.key" -in "$WORK/$name.csr" -extensions v3_ca \
    -startdate "$WIN_START" -enddate "$WIN_END" -out "$WORK/$name.pem"
  run openssl x509 -in "$WORK/$name.pem" -outform DER -out "$WORK/$name.der"
}

# issue CA NAME CN EXTENSIONS START END: end-entity certificate NAME.der signed by CA.
issue() {
  local ca="$1" name="$2" cn="$3" ext="$4" start="$5" end="$6"
  new_key "$name"
  run openssl req -new -config "$WORK/$ca.db/ca.cnf" -key "$WORK/$name.key" -subj "/CN=$cn" \
    -out "$WORK/$name.csr"
  run openssl ca -batch -notext -config "$WORK/$ca.db/ca.cnf" -cert "$WORK/$ca.pem" \
    -keyfile "$WORK/$ca.key" -in "$WORK/$name.csr" -extensions "$ext" \
    -startdate "$start" -enddate "$end" -out "$WORK/$name.pem"
  run openssl x509 -in "$WORK/$name.pem" -outform DER -out "$WORK/$name.der"
}

# expect_verify RESULT CA CERT EPOCH: RESULT is "ok" or "fail".
expect_verify() {
  local want="$1" ca="$2" cert="$3" at="$4" got=fail
  if openssl verify -CAfile "$WORK/$ca.pem" -attime "$at" "$WORK/$cert.pem" >/dev/null 2>&1; then
    got=ok
  fi
  [ "$got" = "$want" ] ||
    die "self-check: $cert.pem at $(date -u -d "@$at" +%FT%TZ) verified '$got', expected '$want'" \
      "(dates outside the window? regenerate with new dates after 2030)"
}

generate() {
  self_signed_ca ca "PAL Test Root CA"
  issue ca server "pal-test-server" v3_srv "$WIN_START" "$WIN_END"
  issue ca device_cert "pal-test-device" v3_cli "$WIN_START" "$WIN_END"
  issue ca server_expired "pal-test-server-expired" v3_srv "$WIN_START" "$EXPIRED_END"
  issue ca server_future "pal-test-server-future" v3_srv "$FUTURE_START" "$FUTURE_END"
  issue ca server_badku "pal-test-server-badku" v3_badku "$WIN_START" "$WIN_END"
  self_signed_ca unrelated_ca "Unrelated Test CA"
  issue unrelated_ca server_unrelated "pal-test-server-unrelated" v3_srv "$WIN_START" "$WIN_END"

  # The device key keeps the name the suite uses; PEM copies are for manual openssl/gnutls runs.
  mv "$WORK/device_cert.key.der" "$WORK/device_key.der"
  cp "$WORK/device_cert.key" "$WORK/device_key.pem"

  # Compressed SEC1 point of the CA key (33 bytes): the last bytes of the SubjectPublicKeyInfo.
  openssl ec -in "$WORK/ca.key" -pubout -conv_form compressed -outform DER 2>>"$LOG" |
    tail -c 33 >"$WORK/ca_id.bin"
  [ "$(wc -c <"$WORK/ca_id.bin")" -eq 33 ] || die "ca_id.bin is not 33 bytes"
}

self_check() {
  local t0=1546497053 tmin1=1483264801 tf=2145542642 nonsecure=1935316090 now
  now="$(date +%s)"
  expect_verify ok ca server "$t0"
  expect_verify ok ca server $((now - 43200))
  expect_verify ok ca server $((now + 43200))
  expect_verify fail ca server "$tf"
  if [ "$WIN_END" = "$REFERENCE_END" ]; then
    expect_verify fail ca server "$nonsecure"
  fi
  expect_verify fail ca server "$tmin1"
  expect_verify fail ca server 0
  expect_verify ok ca device_cert "$now"
  expect_verify ok ca server_expired "$t0"
  expect_verify fail ca server_expired "$now"
  expect_verify fail ca server_future "$now"
  expect_verify ok unrelated_ca server_unrelated "$now"
  expect_verify fail ca server_unrelated "$now"
  local ca_pub dev_pub
  ca_pub="$(openssl ec -in "$WORK/ca.key" -pubout 2>/dev/null)"
  dev_pub="$(openssl ec -in "$WORK/device_key.pem" -pubout 2>/dev/null)"
  [ "$ca_pub" != "$dev_pub" ] || die "self-check: device key equals the CA key"
}

install_outputs() {
  local f stage="$WORK/out"
  mkdir -p "$stage"
  chmod 755 "$stage"
  for f in "${OUTPUTS[@]}"; do
    cp "$WORK/$f" "$stage/$f"
  done
  # ca.der is written last so that its mtime marks a complete PKI.
  touch "$stage/ca.der"
  if [ -e "$OUTDIR" ]; then
    OLD="$(mktemp -d "$OUTDIR.old.XXXXXX")"
    mv -T "$OUTDIR" "$OLD/pki"
  fi
  mv -T "$stage" "$OUTDIR"
}

generate
self_check
install_outputs
printf 'pki: generated in %s\n' "$OUTDIR"
