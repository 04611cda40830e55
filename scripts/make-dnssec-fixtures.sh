#!/usr/bin/env bash
# Regenerates test/fixtures/dnssec/: small zones signed by a real signer (BIND's dnssec-signzone), so
# the dnssec room's tests verify signatures and denial proofs that our own code did not produce.
#
# - alg{8,10,13,14,15,16}.test: one zone per algorithm, KSK + ZSK, NSEC. RSA sizes vary on purpose
#   (1024-bit ZSK for 8: the smallest size we accept; 4096-bit KSK for 10: the largest).
#   Names with upper-case letters in owners and RDATA exercise the canonical form (RFC 4034 §6.2).
# - nsec.test: NSEC chain with an empty non-terminal, a wildcard, a CNAME, an insecure delegation and
#   a secure one (NS + DS), for the NSEC proof tests.
# - nsec3.test: the same content with salted NSEC3 (salt aabbccdd, 5 iterations).
# - nsec3-optout.test: NSEC3 with opt-out spans over unsigned delegations (dnssec-signzone -A).
#
# Outputs per zone: ZONE.signed (one record per line, `-O full`), dsset-ZONE (the signer's DS set) and
# ZONE.dsfromkey (dnssec-dsfromkey with digests SHA-1, SHA-256, SHA-384 for the KSK) — an independent
# source of key tags and digests to check ours against.
#
# Keys are made fresh on every run (they are test data, not secrets, and are not kept), so a re-run
# changes every fixture byte; the tests read whatever is committed. Validity window fixed and long.
# Needs bind9-utils. `npm test` never runs this script: its output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=test/fixtures/dnssec
START=20250101000000
END=20450101000000
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# zone_body ZONE: the unsigned records shared by every fixture zone.
zone_body() {
  local z=$1
  cat <<EOF
\$ORIGIN $z.
\$TTL 3600
@        IN SOA ns1.$z. Hostmaster.$z. 2025010101 7200 3600 1209600 300
@        IN NS  ns1.$z.
@        IN MX  10 MAIL.$z.
ns1      IN A   192.0.2.53
mail     IN A   192.0.2.25
a        IN A   192.0.2.1
a        IN A   192.0.2.2
a        IN AAAA 2001:db8::1
MixedCase IN A  192.0.2.3
txt      IN TXT "hello world" "second string"
cname    IN CNAME a.$z.
x.b      IN A   192.0.2.4
*.w      IN TXT "wildcard"
srv      IN SRV 0 5 5060 SIP.Example.$z.
sub      IN NS  ns.sub.$z.
ns.sub   IN A   192.0.2.54
secure   IN NS  ns.sub.$z.
secure   IN DS  12345 13 2 0000000000000000000000000000000000000000000000000000000000000001
z        IN A   192.0.2.26
EOF
}

# sign ZONE ALG KSKBITS ZSKBITS [signzone options...]
sign() {
  local z=$1 alg=$2 kbits=$3 zbits=$4
  shift 4
  local dir="$WORK/$z"
  mkdir -p "$dir"
  local kargs=(-q -K "$dir" -a "$alg" -L 3600 -n ZONE)
  local ksk zsk
  ksk=$(dnssec-keygen "${kargs[@]}" -f KSK ${kbits:+-b "$kbits"} "$z")
  zsk=$(dnssec-keygen "${kargs[@]}" ${zbits:+-b "$zbits"} "$z")
  {
    zone_body "$z"
    cat "$dir/$ksk.key" "$dir/$zsk.key"
  } >"$dir/zone"
  dnssec-signzone -q -K "$dir" -d "$OUT" -o "$z" -f "$OUT/$z.signed" -O full -N keep \
    -s "$START" -e "$END" "$@" -k "$dir/$ksk.key" "$dir/zone" "$dir/$zsk.key" >/dev/null
  : >"$OUT/$z.dsfromkey"
  # BIND 9.18 prints "WARNING: DS digest type 0 is deprecated" on stderr for SHA-384; the record it
  # writes is correct (digest type 4), which the tests check.
  for digest in SHA-1 SHA-256 SHA-384; do
    dnssec-dsfromkey -a "$digest" "$dir/$ksk.key" >>"$OUT/$z.dsfromkey"
  done
}

sign alg8.test RSASHA256 2048 1024
sign alg10.test RSASHA512 4096 2048
sign alg13.test ECDSAP256SHA256 '' ''
sign alg14.test ECDSAP384SHA384 '' ''
sign alg15.test ED25519 '' ''
sign alg16.test ED448 '' ''
sign nsec.test ECDSAP256SHA256 '' ''
sign nsec3.test ECDSAP256SHA256 '' '' -3 aabbccdd -H 5
sign nsec3-optout.test ECDSAP256SHA256 '' '' -3 aabbccdd -H 0 -A

echo "fixtures written to $OUT:"
ls -1 "$OUT"
