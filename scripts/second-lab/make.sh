#!/usr/bin/env bash
# A second DNSSEC hierarchy, independent of zones/lab: other names, other addresses (127.55.x.y),
# signed by ldns-signzone (the lab uses dnssec-signzone), with fresh keys each run. It exists to
# compare anchord with Unbound on data neither was developed against
# (scripts/compare-with-unbound.sh second). Writes into OUTDIR:
#   *.zone       signed zones          root.hints, trust-anchor    for the resolvers
#   lab.json     the zones, their servers and the expected answers, in zones/lab/lab.json's format
#                ("ad": null = no single right answer; the comparison still shows both)
#
# Zones (address):
#   .                  127.55.0.1  ECDSA P-256, NSEC          own root; servers a.root-servers. (in-zone)
#   second.            127.55.1.1  RSASHA256, NSEC3 salt 5EC0DD, opt-out, wildcard *.wild
#   other.             127.55.3.1  ECDSA P-384, NSEC          target of cross-TLD CNAME/DNAME
#   signed.second.     127.55.2.1  Ed25519, NSEC              wildcard, CNAME, DNAME, empty non-terminal
#   unsigned.second.   127.55.2.2  unsigned                   no DS: inside second.'s opt-out span
#   expired.second.    127.55.2.3  ECDSA P-256                signatures valid 2020-01-01 .. 2021-01-01
#   double.second.     127.55.2.4  RSASHA512 + ECDSA P-384    every RRset signed with both; DS for both
#   ds4.second.        127.55.2.5  ECDSA P-256                its only DS has digest type 4 (SHA-384)
#   n3.second.         127.55.2.6  ECDSA P-384, NSEC3 salt AB, no opt-out, wildcard *.w, ENT
#   iter.second.       127.55.2.7  ECDSA P-256, NSEC3 100 iterations (above anchord's 50, below Unbound's 150)
#   baddigest.second.  127.55.2.8  ECDSA P-256                DS set: a correct SHA-256 DS + a wrong SHA-384 DS
#   rsa1024.second.    127.55.2.9  RSASHA256 1024-bit KSK+ZSK, NSEC
#   partial.second.    127.55.2.10 DS for P-256 and Ed25519 KSKs; data signed by P-256 only
#
# Usage: scripts/second-lab/make.sh OUTDIR
set -euo pipefail
OUT=${1:?usage: make.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
KEYS="$OUT/keys"
mkdir -p "$KEYS"
VALID=(-i 20250101000000 -e 20370101000000)
EXPIRED=(-i 20200101000000 -e 20210101000000)

keygen() { # ZONE ALG [BITS] [ksk]   prints the key's base path
  local zone=$1 alg=$2 bits=${3:-} ksk=${4:-} base
  base=$(cd "$KEYS" && ldns-keygen -r /dev/urandom -a "$alg" ${bits:+-b "$bits"} ${ksk:+-k} "$zone")
  echo "$KEYS/$base"
}

soa() { # ZONE  the apex SOA and NS of a zone whose server is ns1.ZONE (glue in the parent)
  cat <<EOF
\$ORIGIN $1
\$TTL 3600
@ SOA ns1.$1 hostmaster.$1 2025010101 7200 3600 1209600 300
@ NS ns1.$1
EOF
}

delegate() { # CHILD ADDRESS  NS + glue for the parent
  printf '%s 3600 NS ns1.%s\nns1.%s 3600 A %s\n' "$1" "$1" "$1" "$2"
}

sign() { # ZONE SRCFILE OUTFILE [ldns-signzone options...] -- KEYBASE...
  local zone=$1 src=$2 out=$3; shift 3
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  ldns-signzone -o "$zone" -f "$out" "${opts[@]}" "$src" "$@"
}

ds() { # KEYBASE DIGEST   the DS line for the parent
  ldns-key2ds -n "-$2" "$1.key"
}

# --- leaf zones under second. ---------------------------------------------------------------------
CHILD_DS=""

# signed.second.: Ed25519, NSEC; wildcard, CNAMEs, DNAME, ENT, NODATA material.
z=signed.second.
K=$(keygen $z ED25519 "" ksk); Z=$(keygen $z ED25519)
{ soa $z; cat <<'EOF'
ns1 A 127.55.2.1
www A 192.0.2.10
www AAAA 2001:db8::10
*.wild A 192.0.2.11
*.wild TXT "wildcard"
alias CNAME www
ext CNAME www.other.
old DNAME other.
a.ent A 192.0.2.12
mx MX 10 www
toinsecure CNAME www.unsigned.second.
tobogus CNAME www.expired.second.
loop1 CNAME loop2
loop2 CNAME loop1
*.wc CNAME www
tonx CNAME nx.signed.second.
EOF
} >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'

# unsigned.second.: no keys, no DS.
z=unsigned.second.
{ soa $z; printf 'ns1 A 127.55.2.2\nwww A 192.0.2.20\n'; } >"$OUT/$z.zone"

# expired.second.: valid keys, signatures from 2020.
z=expired.second.
K=$(keygen $z ECDSAP256SHA256 "" ksk); Z=$(keygen $z ECDSAP256SHA256)
{ soa $z; printf 'ns1 A 127.55.2.3\nwww A 192.0.2.30\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${EXPIRED[@]}" -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'

# double.second.: two algorithms, each with KSK and ZSK; -U signs every RRset with each algorithm.
z=double.second.
K1=$(keygen $z RSASHA512 2048 ksk); Z1=$(keygen $z RSASHA512 1024)
K2=$(keygen $z ECDSAP384SHA384 "" ksk); Z2=$(keygen $z ECDSAP384SHA384)
{ soa $z; printf 'ns1 A 127.55.2.4\nwww A 192.0.2.40\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -U -- "$K1" "$Z1" "$K2" "$Z2"
CHILD_DS+=$(ds "$K1" 2)$'\n'$(ds "$K2" 2)$'\n'

# ds4.second.: P-256 keys, but the parent holds only a SHA-384 DS.
z=ds4.second.
K=$(keygen $z ECDSAP256SHA256 "" ksk); Z=$(keygen $z ECDSAP256SHA256)
{ soa $z; printf 'ns1 A 127.55.2.5\nwww A 192.0.2.50\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 4)$'\n'

# n3.second.: NSEC3 (salted, no opt-out) with a wildcard and an empty non-terminal.
z=n3.second.
K=$(keygen $z ECDSAP384SHA384 "" ksk); Z=$(keygen $z ECDSAP384SHA384)
{ soa $z; printf 'ns1 A 127.55.2.6\nwww A 192.0.2.60\n*.w A 192.0.2.61\nhost.ent A 192.0.2.62\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -n -s AB -t 0 -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'

# iter.second.: NSEC3 with 100 iterations.
z=iter.second.
K=$(keygen $z ECDSAP256SHA256 "" ksk); Z=$(keygen $z ECDSAP256SHA256)
{ soa $z; printf 'ns1 A 127.55.2.7\nwww A 192.0.2.70\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -n -s CAFE -t 100 -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'

# baddigest.second.: the SHA-256 DS matches; the SHA-384 DS of the same key has a wrong digest.
z=baddigest.second.
K=$(keygen $z ECDSAP256SHA256 "" ksk); Z=$(keygen $z ECDSAP256SHA256)
{ soa $z; printf 'ns1 A 127.55.2.8\nwww A 192.0.2.80\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'
# Flip the last hex digit of the SHA-384 digest.
CHILD_DS+=$(ds "$K" 4 | awk '{ c = substr($NF, length($NF)); $NF = substr($NF, 1, length($NF) - 1) (c == "0" ? "1" : "0"); print }')$'\n'

# partial.second.: DS for an ECDSA P-256 KSK and an Ed25519 KSK; the DNSKEY RRset is signed by both,
# the data only by the P-256 ZSK (RFC 6840 §5.11: validators SHOULD accept one valid algorithm path).
z=partial.second.
K1=$(keygen $z ECDSAP256SHA256 "" ksk); Z1=$(keygen $z ECDSAP256SHA256); K2=$(keygen $z ED25519 "" ksk)
{ soa $z; printf 'ns1 A 127.55.2.10\nwww A 192.0.2.100\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K1" "$Z1" "$K2"
CHILD_DS+=$(ds "$K1" 2)$'\n'$(ds "$K2" 2)$'\n'

# rsa1024.second.: small RSA keys (still allowed for validation by RFC 8624).
z=rsa1024.second.
K=$(keygen $z RSASHA256 1024 ksk); Z=$(keygen $z RSASHA256 1024)
{ soa $z; printf 'ns1 A 127.55.2.9\nwww A 192.0.2.90\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K" "$Z"
CHILD_DS+=$(ds "$K" 2)$'\n'

# --- second.: RSASHA256, NSEC3 with salt and opt-out ------------------------------------------------
z=second.
K=$(keygen $z RSASHA256 2048 ksk); Z=$(keygen $z RSASHA256 1024)
{ soa $z; cat <<'EOF'
ns1 A 127.55.1.1
www A 192.0.2.1
*.wild A 192.0.2.2
cname CNAME www.signed.second.
EOF
  delegate signed.second. 127.55.2.1; delegate unsigned.second. 127.55.2.2; delegate expired.second. 127.55.2.3
  delegate double.second. 127.55.2.4; delegate ds4.second. 127.55.2.5; delegate n3.second. 127.55.2.6
  delegate iter.second. 127.55.2.7; delegate baddigest.second. 127.55.2.8; delegate rsa1024.second. 127.55.2.9
  delegate partial.second. 127.55.2.10
  printf '%s' "$CHILD_DS"
} >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -n -s 5EC0DD -t 0 -p -- "$K" "$Z"
TLD_DS=$(ds "$K" 2)$'\n'

# --- other.: ECDSA P-384, NSEC ---------------------------------------------------------------------
z=other.
K=$(keygen $z ECDSAP384SHA384 "" ksk); Z=$(keygen $z ECDSAP384SHA384)
{ soa $z; printf 'ns1 A 127.55.3.1\nwww A 192.0.2.100\nchain CNAME www.second.\n'; } >"$OUT/$z.src"
sign $z "$OUT/$z.src" "$OUT/$z.zone" "${VALID[@]}" -- "$K" "$Z"
TLD_DS+=$(ds "$K" 2)$'\n'

# --- the root: ECDSA P-256, NSEC; its servers' names are root data (a.root-servers.) ---------------
z=.
K=$(keygen $z ECDSAP256SHA256 "" ksk); Z=$(keygen $z ECDSAP256SHA256)
{ cat <<'EOF'
$ORIGIN .
$TTL 86400
@ SOA a.root-servers. hostmaster.root-servers. 2025010101 1800 900 604800 3600
@ NS a.root-servers.
@ NS b.root-servers.
a.root-servers. A 127.55.0.1
b.root-servers. A 127.55.0.2
EOF
  delegate second. 127.55.1.1; delegate other. 127.55.3.1
  printf '%s' "$TLD_DS"
} >"$OUT/root.src"
sign . "$OUT/root.src" "$OUT/root.zone" "${VALID[@]}" -- "$K" "$Z"

{ echo "; Trust anchor of the second lab root (generated by scripts/second-lab/make.sh)"; ds "$K" 2; } >"$OUT/trust-anchor"
cat >"$OUT/root.hints" <<'EOF'
.                 3600000 NS a.root-servers.
a.root-servers.   3600000 A  127.55.0.1
.                 3600000 NS b.root-servers.
b.root-servers.   3600000 A  127.55.0.2
EOF

# --- lab.json: servers and expected answers ---------------------------------------------------------
cat >"$OUT/lab.json" <<'EOF'
{
  "$comment": "Second lab (scripts/second-lab/make.sh): zones signed by ldns-signzone, served on 127.55.x.y:53. \"ad\": null means no single right answer.",
  "zones": [
    { "name": ".", "file": "root.zone", "denial": "nsec", "servers": [{ "name": "a.root-servers.", "address": "127.55.0.1" }, { "name": "b.root-servers.", "address": "127.55.0.2" }] },
    { "name": "second.", "file": "second..zone", "denial": "nsec3", "servers": [{ "name": "ns1.second.", "address": "127.55.1.1" }] },
    { "name": "other.", "file": "other..zone", "denial": "nsec", "servers": [{ "name": "ns1.other.", "address": "127.55.3.1" }] },
    { "name": "signed.second.", "file": "signed.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.signed.second.", "address": "127.55.2.1" }] },
    { "name": "unsigned.second.", "file": "unsigned.second..zone", "servers": [{ "name": "ns1.unsigned.second.", "address": "127.55.2.2" }] },
    { "name": "expired.second.", "file": "expired.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.expired.second.", "address": "127.55.2.3" }] },
    { "name": "double.second.", "file": "double.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.double.second.", "address": "127.55.2.4" }] },
    { "name": "ds4.second.", "file": "ds4.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.ds4.second.", "address": "127.55.2.5" }] },
    { "name": "n3.second.", "file": "n3.second..zone", "denial": "nsec3", "servers": [{ "name": "ns1.n3.second.", "address": "127.55.2.6" }] },
    { "name": "iter.second.", "file": "iter.second..zone", "denial": "nsec3", "servers": [{ "name": "ns1.iter.second.", "address": "127.55.2.7" }] },
    { "name": "baddigest.second.", "file": "baddigest.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.baddigest.second.", "address": "127.55.2.8" }] },
    { "name": "rsa1024.second.", "file": "rsa1024.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.rsa1024.second.", "address": "127.55.2.9" }] },
    { "name": "partial.second.", "file": "partial.second..zone", "denial": "nsec", "servers": [{ "name": "ns1.partial.second.", "address": "127.55.2.10" }] }
  ],
  "specialServers": [],
  "cases": [
    { "qname": "nosuch.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "root NSEC denial (ECDSA P-256 root)" },
    { "qname": "www.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "data in the NSEC3 opt-out TLD" },
    { "qname": "second.", "qtype": "DNSKEY", "rcode": "NOERROR", "ad": true, "ede": null, "why": "RSASHA256 2048/1024 key set" },
    { "qname": "nx.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": false, "ede": null, "why": "next closer covered by an opt-out NSEC3 (ldns sets opt-out on every NSEC3): an unsigned delegation may exist, no AD (RFC 5155 §9.2)" },
    { "qname": "www.second.", "qtype": "TXT", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC3 NODATA: the NSEC3 matching www.second. has no TXT (RFC 5155 §8.5)" },
    { "qname": "foo.wild.second.", "qtype": "A", "rcode": "NOERROR", "ad": null, "ede": null, "why": "wildcard in the opt-out zone; the next closer is covered by an opt-out NSEC3" },
    { "qname": "cname.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "CNAME from the TLD into signed.second." },
    { "qname": "www.unsigned.second.", "qtype": "A", "rcode": "NOERROR", "ad": false, "ede": null, "why": "unsigned delegation: NSEC3 matching unsigned.second. has NS, no DS" },
    { "qname": "unsigned.second.", "qtype": "DS", "rcode": "NOERROR", "ad": true, "ede": null, "why": "DS NODATA at an insecure delegation proven by its matching NSEC3 (RFC 5155 §8.6)" },
    { "qname": "www.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "Ed25519 zone" },
    { "qname": "www.signed.second.", "qtype": "AAAA", "rcode": "NOERROR", "ad": true, "ede": null, "why": "Ed25519 zone" },
    { "qname": "nx.signed.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "NSEC name error" },
    { "qname": "www.signed.second.", "qtype": "TXT", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC NODATA" },
    { "qname": "ent.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "empty non-terminal (a.ent exists)" },
    { "qname": "foo.wild.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "wildcard synthesis, NSEC proves no closer match" },
    { "qname": "a.b.wild.signed.second.", "qtype": "TXT", "rcode": "NOERROR", "ad": true, "ede": null, "why": "wildcard synthesis two labels down" },
    { "qname": "foo.wild.signed.second.", "qtype": "AAAA", "rcode": "NOERROR", "ad": true, "ede": null, "why": "wildcard NODATA" },
    { "qname": "alias.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "in-zone CNAME" },
    { "qname": "alias.signed.second.", "qtype": "CNAME", "rcode": "NOERROR", "ad": true, "ede": null, "why": "CNAME asked for itself" },
    { "qname": "ext.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "CNAME to another TLD (other., P-384)" },
    { "qname": "chain.other.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "CNAME from other. to second." },
    { "qname": "www.old.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "DNAME old.signed.second. -> other." },
    { "qname": "nx.old.signed.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "DNAME to a name other. denies" },
    { "qname": "old.signed.second.", "qtype": "DNAME", "rcode": "NOERROR", "ad": true, "ede": null, "why": "the DNAME itself" },
    { "qname": "toinsecure.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": false, "ede": null, "why": "secure CNAME to an insecure zone: the answer as a whole is not authentic (RFC 4035 §3.2.3)" },
    { "qname": "tobogus.signed.second.", "qtype": "A", "rcode": "SERVFAIL", "ad": false, "ede": 7, "why": "secure CNAME to an expired zone" },
    { "qname": "loop1.signed.second.", "qtype": "A", "rcode": "SERVFAIL", "ad": null, "ede": null, "why": "CNAME loop: SERVFAIL is usual; some return the loop with NOERROR" },
    { "qname": "x.wc.signed.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "wildcard CNAME to www" },
    { "qname": "tonx.signed.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "CNAME to a name the zone denies: NXDOMAIN (RFC 6604)" },
    { "qname": "www.partial.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "DS for two algorithms, data signed with one (RFC 6840 §5.11)" },
    { "qname": "mx.signed.second.", "qtype": "MX", "rcode": "NOERROR", "ad": true, "ede": null, "why": "MX data" },
    { "qname": "www.expired.second.", "qtype": "A", "rcode": "SERVFAIL", "ad": false, "ede": 7, "why": "signatures expired 2021-01-01" },
    { "qname": "www.double.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "RSASHA512 + P-384, both DS present" },
    { "qname": "double.second.", "qtype": "DNSKEY", "rcode": "NOERROR", "ad": true, "ede": null, "why": "four keys, two algorithms" },
    { "qname": "nx.double.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "NSEC signed with both algorithms" },
    { "qname": "www.ds4.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "the only DS is SHA-384 (digest 4) of a P-256 key" },
    { "qname": "ds4.second.", "qtype": "DS", "rcode": "NOERROR", "ad": true, "ede": null, "why": "the DS RRset itself" },
    { "qname": "www.n3.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "P-384 NSEC3 zone" },
    { "qname": "nx.n3.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "NSEC3 closest encloser proof" },
    { "qname": "www.n3.second.", "qtype": "TXT", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC3 NODATA" },
    { "qname": "ent.n3.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC3 empty non-terminal NODATA" },
    { "qname": "foo.w.n3.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC3 wildcard answer" },
    { "qname": "foo.w.n3.second.", "qtype": "MX", "rcode": "NOERROR", "ad": true, "ede": null, "why": "NSEC3 wildcard NODATA (RFC 5155 §8.7)" },
    { "qname": "x.y.nx.n3.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "NSEC3 name error several labels below the closest encloser" },
    { "qname": "www.iter.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "positive answer: no NSEC3 involved" },
    { "qname": "nx.iter.second.", "qtype": "A", "rcode": "NXDOMAIN", "ad": null, "ede": null, "why": "100 NSEC3 iterations: insecure for anchord (limit 50, EDE 27), secure for Unbound 1.17 (limit 150); RFC 9276 leaves the number to the implementation" },
    { "qname": "www.baddigest.second.", "qtype": "A", "rcode": "NOERROR", "ad": null, "ede": null, "why": "DS set: SHA-256 matches, SHA-384 wrong; RFC 4035 §5.2 lets any matching DS authenticate; Unbound uses only the strongest digest" },
    { "qname": "www.rsa1024.second.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "1024-bit RSA keys" },
    { "qname": "www.other.", "qtype": "A", "rcode": "NOERROR", "ad": true, "ede": null, "why": "P-384 TLD" },
    { "qname": "nx.other.", "qtype": "A", "rcode": "NXDOMAIN", "ad": true, "ede": null, "why": "NSEC in other." }
  ]
}
EOF
echo "second lab written to $OUT"
