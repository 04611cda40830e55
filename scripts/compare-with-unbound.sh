#!/usr/bin/env bash
# Side by side: anchord and Unbound, both validating, both iterating from the same root hints and
# trust anchor over the same hierarchy served by NSD (not by our lab server), asked the same
# questions in the same order. Prints (and writes to OUTDIR) a table of the differences in rcode, AD,
# EDE, answer RRsets, SOA in negative answers and question-case echo; docs/comparison.md explains them.
#
# Hierarchies:
#   lab     zones/lab (signed by dnssec-signzone), NSD on the lab's own addresses 127.53.x.y port 53
#   second  scripts/second-lab/make.sh (signed by ldns-signzone), NSD on 127.55.x.y port 53
#
# Unbound only ever asks port 53, so the authorities must listen there. To stay loopback-only and not
# collide with anything else on this machine (another `anchord lab` as root also takes 127.53.x.y:53),
# everything runs in a private network namespace holding only `lo` (unshare --net: packets cannot
# leave it) and a private PID namespace (unshare --pid --kill-child: when this script ends, NSD,
# Unbound and anchord end with it). Needs root (or user namespaces), nsd, unbound, dig, ldnsutils.
#
# Usage: scripts/compare-with-unbound.sh [lab|second|all] [OUTDIR]     (default: all, /tmp/compare-with-unbound)
#        scripts/compare-with-unbound.sh shell-lab|shell-second OUTDIR 'COMMANDS'
#          starts the same servers and runs COMMANDS inside the namespace (anchord on 127.0.0.1:5301,
#          Unbound on 127.0.0.1:5302), e.g. 'dig @127.0.0.1 -p 5302 www.test. A +dnssec' — for repros.
# Bounded: the whole run is killed after COMPARE_TIMEOUT seconds (default 1200).
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH=${1:-all}
OUTDIR=${2:-/tmp/compare-with-unbound}

if [[ ${COMPARE_IN_NETNS:-} != 1 ]]; then
  mkdir -p "$OUTDIR"
  exec timeout --kill-after=10 "${COMPARE_TIMEOUT:-1200}" \
    unshare --net --pid --fork --kill-child -- env COMPARE_IN_NETNS=1 "$0" "$WHICH" "$OUTDIR" "${3:-}"
fi

ip link set lo up
REPO=$PWD
ANCHORD_PORT=5301
UNBOUND_PORT=5302
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local p f
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$WORK"/*/nsd-*/nsd.pid "$WORK"/*/unbound.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.3
  rm -rf "$WORK"
}
trap cleanup EXIT
helper() { node --import tsx "$REPO/scripts/compare-with-unbound.ts" "$@"; }

# NSD, one instance per address of the hierarchy, each holding exactly the zones lab.json gives it;
# an address with no zone answers REFUSED (the lame server); a dead server's address has no instance.
start_nsd() { # LABDIR RUNDIR
  local labdir=$1 run=$2 addr zones z d
  helper nsd "$labdir" >"$run/addresses"
  while read -r addr zones; do
    d="$run/nsd-$addr"; mkdir -p "$d"
    cat >"$d/nsd.conf" <<CONF
server:
  ip-address: $addr
  port: 53
  server-count: 1
  zonesdir: "$labdir"
  database: ""
  pidfile: "$d/nsd.pid"
  xfrdfile: "$d/xfrd.state"
  zonelistfile: "$d/zone.list"
  username: ""
  logfile: "$d/nsd.log"
  hide-version: yes
  refuse-any: no
remote-control:
  control-enable: no
CONF
    for z in $zones; do printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "${z%%=*}" "${z#*=}" >>"$d/nsd.conf"; done
    nsd -c "$d/nsd.conf" || { cat "$d/nsd.log"; return 1; }
  done <"$run/addresses"
}

start_unbound() { # LABDIR RUNDIR
  local labdir=$1 run=$2
  cat >"$run/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $UNBOUND_PORT
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$run"
  pidfile: "$run/unbound.pid"
  use-syslog: no
  logfile: "$run/unbound.log"
  verbosity: 1
  module-config: "validator iterator"
  root-hints: "$labdir/root.hints"
  trust-anchor-file: "$labdir/trust-anchor"
  ede: yes
  val-log-level: 2
  discard-timeout: 0
  infra-cache-max-rtt: 2000
  infra-host-ttl: 30
  qname-minimisation: yes
  minimal-responses: yes
  # Unbound answers RFC 6761 special-use names itself (empty local zones); the lab uses test.
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  local-zone: "onion." nodefault
remote-control:
  control-enable: no
CONF
  unbound-checkconf "$run/unbound.conf" >/dev/null
  unbound -d -c "$run/unbound.conf" >"$run/unbound.out" 2>&1 &
  PIDS+=($!)
}

start_anchord() { # LABDIR RUNDIR
  local labdir=$1 run=$2
  cat >"$run/anchord.json" <<JSON
{
  "listen": ["127.0.0.1:$ANCHORD_PORT"],
  "rootHints": "$labdir/root.hints",
  "trustAnchors": ["$labdir/trust-anchor"],
  "upstreamPort": 53,
  "allowLoopbackUpstreams": true,
  "doIp6": false,
  "metrics": { "enabled": false },
  "logLevel": "warn"
}
JSON
  node "$REPO/bin/anchord.js" serve --config "$run/anchord.json" >"$run/anchord.out" 2>&1 &
  PIDS+=($!)
}

wait_ready() { # PORT NAME LOG
  local i
  for i in $(seq 60); do
    dig @127.0.0.1 -p "$1" +time=1 +tries=1 . SOA >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "$2 did not start:"; cat "$3"; return 1
}

compare() { # NAME LABDIR
  local name=$1 labdir=$2 run="$WORK/$1" p
  start_all "$name" "$labdir"
  helper plan "$labdir" "$name: anchord vs Unbound $(unbound -V | sed -n 's/^Version //p'), authorities NSD $(nsd -v 2>&1 | sed -n 's/^NSD version //p')" >"$run/plan.json"
  helper run "$run/plan.json" "anchord=127.0.0.1:$ANCHORD_PORT" "unbound=127.0.0.1:$UNBOUND_PORT" --markdown "$OUTDIR/$name.md"
  cp "$run/unbound.log" "$OUTDIR/$name-unbound.log" 2>/dev/null || true
  cp "$run/anchord.out" "$OUTDIR/$name-anchord.log" 2>/dev/null || true
  # Stop this hierarchy's servers before the next one starts on the same resolver ports.
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "$run"/nsd-*/nsd.pid; do kill "$(cat "$p")" 2>/dev/null || true; done
  PIDS=()
  sleep 0.5
}

start_all() { # NAME LABDIR
  local run="$WORK/$1"
  mkdir -p "$run"
  start_nsd "$2" "$run"
  start_unbound "$2" "$run"
  start_anchord "$2" "$run"
  wait_ready "$UNBOUND_PORT" unbound "$run/unbound.out"
  wait_ready "$ANCHORD_PORT" anchord "$run/anchord.out"
}
case $WHICH in
  shell-lab) start_all lab "$REPO/zones/lab"; bash -c "$3"; exit ;;
  shell-second)
    scripts/second-lab/make.sh "$WORK/second-zones" >"$OUTDIR/second-make.log" 2>&1 || { cat "$OUTDIR/second-make.log"; exit 1; }
    start_all second "$WORK/second-zones"; bash -c "$3"; exit ;;
esac

if [[ $WHICH == lab || $WHICH == all ]]; then
  compare lab "$REPO/zones/lab"
fi
if [[ $WHICH == second || $WHICH == all ]]; then
  scripts/second-lab/make.sh "$WORK/second-zones" >"$OUTDIR/second-make.log" 2>&1 || { cat "$OUTDIR/second-make.log"; exit 1; }
  compare second "$WORK/second-zones"
fi
echo "results in $OUTDIR"
