#!/usr/bin/env bash
# Serves the signed lab zones twice — with the lab server (src/lab/, on 127.53.x.y) and with NSD (one
# instance per address, on 127.54.x.y, holding exactly the zones lab.json gives that address) — and
# diffs their answers (dig +norec +dnssec) for every owner name and type in every zone, plus probes
# for missing names and types and every name in lab.json's cases. NSD is the reference: a difference
# is either a lab server bug or a documented choice. Not part of `npm test`; loopback only.
#
# Usage: scripts/compare-lab-with-nsd.sh [PORT]      (default 5354; both servers use it)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-5354}
LAB=zones/lab
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$WORK"/nsd-*/nsd.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The plan: per address its zone files; the queries (address qname qtype).
node --input-type=module - "$LAB" "$WORK" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
const [lab, work] = process.argv.slice(2);
const cfg = JSON.parse(readFileSync(`${lab}/lab.json`, 'utf8'));
const byAddr = new Map();
for (const z of cfg.zones) for (const s of z.servers) {
  if (!byAddr.has(s.address)) byAddr.set(s.address, []);
  byAddr.get(s.address).push(z);
}
for (const s of cfg.specialServers) if (s.mode === 'lame') byAddr.set(s.address, []);
writeFileSync(`${work}/addresses`, [...byAddr].map(([a, zs]) => [a, ...zs.map((z) => `${z.name}=${z.file}`)].join(' ')).join('\n') + '\n');
const queries = new Set();
const deepest = (q) => cfg.zones.filter((z) => z.name === '.' || q.toLowerCase().endsWith('.' + z.name) || q.toLowerCase() === z.name)
  .sort((a, b) => b.name.length - a.name.length)[0];
for (const z of cfg.zones) {
  const addr = z.servers[0].address;
  const owners = new Map();
  for (const line of readFileSync(`${lab}/${z.file}`, 'utf8').split('\n')) {
    const f = line.split(/\s+/);
    if (f.length < 5 || line.startsWith(';') || f[3] === 'RRSIG' || f[3] === 'NSEC3') continue;
    if (!owners.has(f[0])) owners.set(f[0], new Set());
    owners.get(f[0]).add(f[3]);
  }
  for (const [owner, types] of owners) {
    for (const t of types) queries.add(`${addr} ${owner} ${t}`);
    queries.add(`${addr} ${owner} MX`);          // usually NODATA
    queries.add(`${addr} ${owner} DS`);          // parent side at cuts, NODATA elsewhere
    queries.add(`${addr} nx-probe.${owner === '.' ? '' : owner} A`);     // NXDOMAIN, wildcard or referral
  }
  queries.add(`${addr} zz-probe.sub.${z.name === '.' ? '' : z.name} AAAA`);
}
for (const c of cfg.cases) {
  queries.add(`${deepest(c.qname).servers[0].address} ${c.qname} ${c.qtype}`);
  queries.add(`${deepest(c.qname).servers[0].address} ${c.qname} ${c.qtype} +nodnssec`); // DO=0: no RRSIGs, no proofs
  queries.add(`${deepest(c.qname).servers[0].address} ${c.qname} ${c.qtype} +noedns`);   // no EDNS: 512-octet limit
}
writeFileSync(`${work}/queries`, [...queries].join('\n') + '\n');
JS

# 2. NSD, one instance per address.
while read -r addr zones; do
  nsdaddr=127.54.${addr#127.53.}
  d="$WORK/nsd-$addr"; mkdir -p "$d"
  cat >"$d/nsd.conf" <<CONF
server:
  ip-address: $nsdaddr
  port: $PORT
  server-count: 1
  zonesdir: "$PWD/$LAB"
  database: ""
  pidfile: "$d/nsd.pid"
  xfrdfile: "$d/xfrd.state"
  zonelistfile: "$d/zone.list"
  username: ""
  logfile: "$d/nsd.log"
  hide-version: yes
  minimal-responses: yes
remote-control:
  control-enable: no
CONF
  for z in $zones; do printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "${z%%=*}" "${z#*=}" >>"$d/nsd.conf"; done
  nsd -c "$d/nsd.conf"
done <"$WORK/addresses"

# 3. The lab server.
cat >"$WORK/run-lab.mts" <<TS
import { startLab } from '$PWD/src/lab/server.ts';
const lab = await startLab({ port: $PORT });
console.log('ready', lab.port);
TS
node --import tsx "$WORK/run-lab.mts" >"$WORK/lab.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$WORK/lab.out" 2>/dev/null && break; sleep 0.2; done
grep -q ready "$WORK/lab.out" || { cat "$WORK/lab.out"; exit 1; }
sleep 1

# 4. Ask both, normalise (header flags and rcode, EDNS, then each section sorted), diff.
ask() { # SERVER QNAME QTYPE [dig options...]
  local server=$1 qname=$2 qtype=$3; shift 3
  # dig fails on a timeout; that is an answer to compare too, not a reason to stop.
  { dig @"$server" -p "$PORT" +norec +dnssec +bufsize=1232 +nocookie +nonsid +tries=1 +time=2 "$@" "$qname" "$qtype" 2>&1 || true; } |
    awk '
      /^;; ->>HEADER<</ { sub(/, id: [0-9]+/, ""); print; next }
      /^;; flags:/ { print; next }
      /^; EDNS:/ { print; next }
      /^;; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:/ { sec = $2; next }
      /^;; connection timed out/ { print "TIMEOUT"; next }
      /^;/ || /^$/ { next }
      { $1 = tolower($1); print sec "\t" $0 | "sort" }'
}
differ=0; total=0
while read -r addr qname qtype opt; do
  total=$((total + 1))
  # shellcheck disable=SC2086
  a=$(ask "$addr" "$qname" "$qtype" $opt); b=$(ask "127.54.${addr#127.53.}" "$qname" "$qtype" $opt)
  if [[ $a != "$b" ]]; then
    differ=$((differ + 1))
    echo "=== $qname $qtype $opt @$addr (< lab, > nsd)"
    diff <(echo "$a") <(echo "$b") | grep '^[<>]' | cut -c1-220 || true
  fi
  # UDP truncation: compare the TC flag of the first UDP reply.
  # shellcheck disable=SC2086
  ta=$(ask "$addr" "$qname" "$qtype" $opt +ignore | grep -c 'flags:.* tc' || true)
  # shellcheck disable=SC2086
  tb=$(ask "127.54.${addr#127.53.}" "$qname" "$qtype" $opt +ignore | grep -c 'flags:.* tc' || true)
  if [[ $ta != "$tb" ]]; then differ=$((differ + 1)); echo "=== $qname $qtype $opt @$addr: TC lab=$ta nsd=$tb"; fi
done <"$WORK/queries"
echo "compare-lab-with-nsd: $total queries, $differ differences"
