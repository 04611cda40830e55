#!/usr/bin/env bash
# Throughput and latency of anchord against Unbound over the lab, as ratios measured in one run.
# Not part of npm test; nothing here asserts on timing. bench/README.md has the numbers of one run.
#
# Both resolvers validate, iterate from the same root hints (zones/lab/root.hints) and trust anchor
# (zones/lab/trust-anchor), and run on one core each (anchord is one Node process; Unbound gets
# num-threads: 1); cache sizes are left at their defaults. The lab authorities are an `anchord lab`
# process on 127.53.x.y port 53 (Unbound only ever asks port 53); the anchord under test is a separate
# `anchord serve` process, so its CPU and RSS are the resolver's alone. Every mix is warmed (each
# name asked until the answer is cached) before it is measured, so the authorities are idle while
# dnsperf runs: what is measured is the cached path — parse, cache lookup, answer assembly, send.
#
# Mixes (names from zones/lab/lab.json, so they stay true as the lab grows):
#   hits-do    every NOERROR/NXDOMAIN case (secure, insecure, NXDOMAIN, NODATA), DO=1 (dnsperf -D)
#   hits-nodo  the same names, EDNS without DO (dnsperf -e): no RRSIGs in the answers
#   bogus      the validation failures (EDE 6..12): SERVFAIL from the cached bogus verdict. Warmed
#              right before it runs because both resolvers keep a bogus verdict only 60 s
#              (anchord cache.bogusTtl, Unbound val-bogus-ttl).
# Left out: TC=1 answers (dnsperf -m udp would count the truncation, not the answer), RFC 8509
# sentinel names (a special path of their own), lame/dead servers (the unreachable-authority path).
#
# Two measurements per mix and resolver, same query file, same order, resolvers alternating:
#   throughput  dnsperf -l THRU_SECS -q 100 (one client, one thread, unlimited rate): queries per
#               second at saturation. dnsperf itself needs most of one core; on a 2-core machine the
#               two resolvers are compared under the same handicap, which is why only ratios count.
#   latency     dnsperf -l LAT_SECS -Q LAT_QPS -v: a fixed offered load well under both resolvers'
#               capacity, so the latency is service time, not queueing; mean and p99 are computed
#               from dnsperf's per-query lines.
# After the run: VmRSS and VmHWM (peak) of the anchord and Unbound processes, from /proc.
#
# Like scripts/compare-with-unbound.sh, everything runs in a private network namespace holding only
# `lo` (unshare --net: no packet can leave) and a private PID namespace with its own /proc
# (--mount-proc, so /proc/PID finds our servers; --kill-child: the servers end
# with the script). Needs root (or user namespaces), unbound, dig; installs dnsperf if missing.
#
# Usage: bench/throughput.sh [OUTDIR]                  (default /tmp/bench-throughput)
# Environment: THRU_SECS (default 12), LAT_SECS (5), LAT_QPS (1000), BENCH_TIMEOUT (240, hard bound),
#   BENCH_MIXES (default "hits-do hits-nodo bogus": which mixes, e.g. one alone for a profile),
#   BENCH_CPU_PROF=1 runs the anchord under test with `node --cpu-prof` (profile in OUTDIR/cpu-prof/).
# Writes OUTDIR/results.md (the table), OUTDIR/*.dnsperf (raw output), the servers' logs (anchord.log:
# the first 200 lines of its stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
OUTDIR=${1:-/tmp/bench-throughput}

if [[ ${BENCH_IN_NETNS:-} != 1 ]]; then
  if ! command -v dnsperf >/dev/null; then
    echo "dnsperf is missing: installing it (apt-get install -y dnsperf)"
    apt-get install -y dnsperf >/dev/null || { apt-get update >/dev/null && apt-get install -y dnsperf >/dev/null; }
  fi
  mkdir -p "$OUTDIR"
  exec timeout --kill-after=10 "${BENCH_TIMEOUT:-240}" \
    unshare --net --pid --mount-proc --fork --kill-child -- env BENCH_IN_NETNS=1 "$0" "$OUTDIR"
fi

ip link set lo up
REPO=$PWD
LAB=$REPO/zones/lab
LAB_RESOLVER_PORT=5300 # the `anchord lab` process's own resolver: started, never asked
ANCHORD_PORT=5301
UNBOUND_PORT=5302
THRU_SECS=${THRU_SECS:-12}
LAT_SECS=${LAT_SECS:-5}
LAT_QPS=${LAT_QPS:-1000}
OUTSTANDING=100
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # Give `node --cpu-prof` time to write its profile on the graceful SIGTERM path.
  for p in "${PIDS[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- query files -------------------------------------------------------------------------------
node -e '
const fs = require("node:fs");
const { cases } = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const line = (c) => `${c.qname} ${c.qtype}`;
const plain = cases.filter((c) => !c.tcp && !c.qname.startsWith("root-key-sentinel-"));
const hits = plain.filter((c) => c.rcode === "NOERROR" || c.rcode === "NXDOMAIN");
// RFC 8914 codes 6..12: DNSSEC Bogus .. NSEC Missing, i.e. validation failures.
const bogus = plain.filter((c) => c.rcode === "SERVFAIL" && c.ede !== null && c.ede >= 6 && c.ede <= 12);
fs.writeFileSync(process.argv[2] + "/hits.txt", hits.map(line).join("\n") + "\n");
fs.writeFileSync(process.argv[2] + "/bogus.txt", bogus.map(line).join("\n") + "\n");
' "$LAB/lab.json" "$WORK"
cp "$WORK/hits.txt" "$WORK/bogus.txt" "$OUTDIR/"

# ---- servers -----------------------------------------------------------------------------------
node "$REPO/bin/anchord.js" lab --lab-port 53 --listen "127.0.0.1:$LAB_RESOLVER_PORT" --metrics off --log-level warn \
  >"$OUTDIR/lab.out" 2>&1 &
PIDS+=($!)

cat >"$WORK/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $UNBOUND_PORT
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$WORK"
  pidfile: "$WORK/unbound.pid"
  use-syslog: no
  logfile: "$WORK/unbound.log"
  verbosity: 0
  num-threads: 1
  module-config: "validator iterator"
  root-hints: "$LAB/root.hints"
  trust-anchor-file: "$LAB/trust-anchor"
  ede: yes
  qname-minimisation: yes
  minimal-responses: yes
  # Unbound answers RFC 6761 special-use names itself (empty local zones); the lab uses test.
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  local-zone: "onion." nodefault
remote-control:
  control-enable: no
CONF
unbound-checkconf "$WORK/unbound.conf" >/dev/null
unbound -d -c "$WORK/unbound.conf" >"$OUTDIR/unbound.out" 2>&1 &
UNBOUND_PID=$!
PIDS+=("$UNBOUND_PID")

cat >"$WORK/anchord.json" <<JSON
{
  "listen": ["127.0.0.1:$ANCHORD_PORT"],
  "rootHints": "$LAB/root.hints",
  "trustAnchors": ["$LAB/trust-anchor"],
  "upstreamPort": 53,
  "allowLoopbackUpstreams": true,
  "doIp6": false,
  "metrics": { "enabled": false },
  "logLevel": "warn"
}
JSON
NODE_FLAGS=()
if [[ ${BENCH_CPU_PROF:-} == 1 ]]; then
  mkdir -p "$OUTDIR/cpu-prof"
  NODE_FLAGS=(--cpu-prof --cpu-prof-dir "$OUTDIR/cpu-prof")
fi
node "${NODE_FLAGS[@]}" "$REPO/bin/anchord.js" serve --config "$WORK/anchord.json" >"$OUTDIR/anchord.out" 2>&1 &
ANCHORD_PID=$!
PIDS+=("$ANCHORD_PID")

wait_ready() { # ADDR PORT NAME LOG
  local i
  for i in $(seq 80); do
    dig @"$1" -p "$2" +time=1 +tries=1 . SOA >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "$3 did not start:"; cat "$4"; exit 1
}
wait_ready 127.53.0.1 53 "anchord lab (authorities)" "$OUTDIR/lab.out"
wait_ready 127.0.0.1 "$UNBOUND_PORT" unbound "$OUTDIR/unbound.out"
wait_ready 127.0.0.1 "$ANCHORD_PORT" anchord "$OUTDIR/anchord.out"

# ---- measuring ---------------------------------------------------------------------------------
port_of() { [[ $1 == anchord ]] && echo "$ANCHORD_PORT" || echo "$UNBOUND_PORT"; }
edns_flag() { if [[ $1 == hits-nodo ]]; then printf %s -e; else printf %s -D; fi; }
file_of() { [[ $1 == bogus ]] && echo "$WORK/bogus.txt" || echo "$WORK/hits.txt"; }

# Asks every name of the mix one at a time, three rounds: the first resolves and validates, the
# later ones must be answered from the cache. The rcode summary of the last round goes to OUTDIR so
# a wrong answer (a resolver failing a name the other answers) is visible next to the numbers.
warm() { # MIX RESOLVER
  local r
  for r in 1 2 3; do
    dnsperf -s 127.0.0.1 -p "$(port_of "$2")" -d "$(file_of "$1")" "$(edns_flag "$1")" -n 1 -q 1 -t 5 \
      >"$OUTDIR/warm-$1-$2.dnsperf" 2>&1
  done
}

# "Queries per second:  12345.6" -> 12345.6
field() { sed -n "s/^ *$2: *\([0-9.]*\).*/\1/p" "$1" | head -1; }

throughput() { # MIX RESOLVER -> qps
  local out="$OUTDIR/thru-$1-$2.dnsperf"
  dnsperf -s 127.0.0.1 -p "$(port_of "$2")" -d "$(file_of "$1")" "$(edns_flag "$1")" \
    -l "$THRU_SECS" -q "$OUTSTANDING" -c 1 -T 1 >"$out" 2>&1
  field "$out" 'Queries per second'
}

# Per-query lines of `dnsperf -v` look like "> NOERROR www.lab. A 0.000123" (latency last, seconds).
latency() { # MIX RESOLVER -> "mean_ms p99_ms"
  local out="$OUTDIR/lat-$1-$2.dnsperf"
  dnsperf -s 127.0.0.1 -p "$(port_of "$2")" -d "$(file_of "$1")" "$(edns_flag "$1")" \
    -l "$LAT_SECS" -Q "$LAT_QPS" -q "$OUTSTANDING" -c 1 -T 1 -v >"$out" 2>&1
  grep '^> ' "$out" | awk '{print $NF}' | sort -g | awk '
    { v[NR] = $1; s += $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      i = int(NR * 0.99); if (i < NR * 0.99) i++; if (i < 1) i = 1
      printf "%.3f %.3f\n", s / NR * 1000, v[i] * 1000
    }'
}

rcodes() { sed -n 's/^ *Response codes: *//p' "$1" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f", a / b; else print "-" }'; }

read -r -a MIXES <<<"${BENCH_MIXES:-hits-do hits-nodo bogus}"
declare -A QPS MEAN P99
rss() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
for mix in "${MIXES[@]}"; do [[ $mix == bogus ]] || { warm "$mix" anchord; warm "$mix" unbound; }; done
RSS_WARM="anchord VmRSS $(rss "$ANCHORD_PID" VmRSS) MiB, Unbound VmRSS $(rss "$UNBOUND_PID" VmRSS) MiB"
for mix in "${MIXES[@]}"; do
  if [[ $mix == bogus ]]; then warm bogus anchord; warm bogus unbound; fi
  for r in anchord unbound; do
    QPS[$mix,$r]=$(throughput "$mix" "$r")
    read -r MEAN[$mix,$r] P99[$mix,$r] < <(latency "$mix" "$r")
    echo "  $mix $r: ${QPS[$mix,$r]} qps, mean ${MEAN[$mix,$r]} ms, p99 ${P99[$mix,$r]} ms" >&2
  done
done

{
  echo "anchord (node $(node --version)) vs Unbound $(unbound -V | sed -n 's/^Version //p'), $(nproc) cores ($(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1))"
  echo "throughput: dnsperf -l $THRU_SECS -q $OUTSTANDING; latency: dnsperf -l $LAT_SECS -Q $LAT_QPS (per-query)"
  echo "hits: $(wc -l <"$WORK/hits.txt") names, bogus: $(wc -l <"$WORK/bogus.txt") names"
  echo
  echo "| mix | anchord qps | Unbound qps | qps ratio | anchord mean / p99 ms | Unbound mean / p99 ms | mean ratio | p99 ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for mix in "${MIXES[@]}"; do
    printf '| %s | %.0f | %.0f | %s | %s / %s | %s / %s | %s | %s |\n' "$mix" \
      "${QPS[$mix,anchord]:-0}" "${QPS[$mix,unbound]:-0}" "$(ratio "${QPS[$mix,anchord]:-0}" "${QPS[$mix,unbound]:-0}")" \
      "${MEAN[$mix,anchord]}" "${P99[$mix,anchord]}" "${MEAN[$mix,unbound]}" "${P99[$mix,unbound]}" \
      "$(ratio "${MEAN[$mix,anchord]}" "${MEAN[$mix,unbound]}")" "$(ratio "${P99[$mix,anchord]}" "${P99[$mix,unbound]}")"
  done
  echo
  echo "ratios are anchord / Unbound: qps above 1 means anchord is faster, latency above 1 means slower."
  echo
  echo "response codes (throughput runs):"
  for mix in "${MIXES[@]}"; do for r in anchord unbound; do
    echo "  $mix $r: $(rcodes "$OUTDIR/thru-$mix-$r.dnsperf")"
  done; done
  echo
  echo "memory after the run: anchord VmRSS $(rss "$ANCHORD_PID" VmRSS) MiB (peak VmHWM $(rss "$ANCHORD_PID" VmHWM) MiB);" \
    "Unbound VmRSS $(rss "$UNBOUND_PID" VmRSS) MiB (peak $(rss "$UNBOUND_PID" VmHWM) MiB)"
  echo "memory after the warm-up, before dnsperf: $RSS_WARM"
  echo "anchord log (level warn) during the run: $(wc -l <"$OUTDIR/anchord.out") lines," \
    "$(awk '{ b += length($0) + 1 } END { printf "%.1f", b / 1048576 }' "$OUTDIR/anchord.out") MiB (a 'servfail' line per SERVFAIL answered, cached or not)"
  echo "queries lost: $(cat "$OUTDIR"/thru-*.dnsperf "$OUTDIR"/lat-*.dnsperf | sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')"
} | tee "$OUTDIR/results.md"
# The log is mostly the same servfail lines over and over; keep the start, not tens of MB.
head -n 200 "$OUTDIR/anchord.out" >"$OUTDIR/anchord.log" && rm -f "$OUTDIR/anchord.out"
cp "$WORK/unbound.log" "$OUTDIR/unbound.log" 2>/dev/null || true
