#!/bin/sh
# Captures reference RDATA for test/wire/rdata-fixtures.test.ts from two independent implementations:
#  - ldns (ldns-read-zone) parses test/fixtures/rdata/all-types.zone and prints every record both in
#    RFC 3597 `\# len hex` form (-U: all types "unknown") and in its own presentation;
#  - nsd serves the same zone on loopback and dig asks it for every (owner, type), once with
#    +unknownformat (nsd's wire bytes) and once in dig's (BIND's) presentation.
# Needs ldnsutils, nsd and bind9-dnsutils; npm test only reads the committed output.
set -eu
cd "$(dirname "$0")/.."
FIX=test/fixtures/rdata
ADDR=127.53.99.1
PORT=${PORT:-$(( 20000 + $$ % 20000 ))}
WORK=$(mktemp -d)
trap 'if [ -f "$WORK/nsd.pid" ]; then kill "$(cat "$WORK/nsd.pid")" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

cp "$FIX/all-types.zone" "$WORK/example.zone"
cat > "$WORK/nsd.conf" <<CONF
server:
  ip-address: $ADDR@$PORT
  username: ""
  chroot: ""
  zonesdir: "$WORK"
  database: ""
  zonelistfile: "$WORK/zone.list"
  xfrdfile: "$WORK/xfrd.state"
  pidfile: "$WORK/nsd.pid"
  logfile: "$WORK/nsd.log"
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: example.
  zonefile: example.zone
  provide-xfr: 127.0.0.0/8 NOKEY
CONF

nsd -c "$WORK/nsd.conf"
i=0
until dig @$ADDR -p "$PORT" +short +time=1 +tries=1 example. SOA >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 20 ] || { cat "$WORK/nsd.log"; exit 1; }; sleep 0.2
done

# ldns's view of the zone: wire bytes of every record, its presentation, and the (owner, type) list.
# (No AXFR from nsd: dig's check-names rejects that transfer as a whole.)
ldns-read-zone -U ANY "$FIX/all-types.zone" > "$FIX/ldns-unknown.txt"
ldns-read-zone "$FIX/all-types.zone" > "$FIX/ldns-text.txt"
awk '{print $1, $4}' "$FIX/ldns-text.txt" | awk '!seen[$0]++' > "$WORK/pairs"
[ -s "$WORK/pairs" ] || { echo "ldns-read-zone printed nothing" >&2; exit 1; }

: > "$FIX/dig-unknown.txt"
: > "$FIX/dig-text.txt"
while read -r owner type; do
  dig @$ADDR -p "$PORT" +noall +answer +norecurse +unknownformat "$owner" "$type" >> "$FIX/dig-unknown.txt"
  dig @$ADDR -p "$PORT" +noall +answer +norecurse "$owner" "$type" >> "$FIX/dig-text.txt"
done < "$WORK/pairs"
echo "captured $(wc -l < "$FIX/ldns-unknown.txt") records from ldns, $(wc -l < "$FIX/dig-unknown.txt") from $(nsd -v 2>&1 | head -1) via $(dig -v 2>&1)"
