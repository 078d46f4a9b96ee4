#!/usr/bin/env bash
# npm run bench:background (as root): does a background download yield the link? Two network namespaces joined by
# a veth pair; the server's egress is limited with `tc ... tbf rate 4mbit burst 32kbit latency 400ms`, and nginx
# serves a large file there. Phases (PHASE seconds each, default 15): the latency probe alone; curl alone; a
# normal pinpoint download beside the probe; a background one beside the probe; curl beside a background download.
# Needs iproute2, tc, nginx and curl. Env: PHASE (seconds), RECORD (a file for the probe's samples while curl
# starts beside a quiet link: a recorded delay sequence for the controller's tests), TRACE (a folder: each
# pinpoint run's background controller steps go to <phase>.jsonl there, one JSON line per step).
set -euo pipefail
[[ $(id -u) == 0 ]] || { echo "bench:background needs root (network namespaces and tc)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
node="$root/node_modules/.bin/node"
phase=${PHASE:-15}
work=$(mktemp -d /tmp/pinpoint-bg-bench.XXXXXX)
link_bytes=$((4000000 / 8))

cleanup() {
  bash "$root/bench/background-net.sh" down "$work" || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/www"
truncate -s 1G "$work/www/big.bin"
bash "$root/bench/background-net.sh" up "$work"
# shellcheck disable=SC1091
source "$work/net.env"
url="http://$addr:$port/big.bin"

tx() { ip -n "$srv" -s -j link show dev "$vs" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["bytes"])'; }
probe() { ip netns exec "$cli" "$node" "$root/bench/latency-probe.ts" "$addr" "$port" "$@"; }
fg() { ip netns exec "$cli" curl -s -o /dev/null --max-time "$1" -w '%{size_download} %{time_total}' "$url" || true; echo; }
pinpoint() { # priority seconds name
  ip netns exec "$cli" env PINPOINT_BACKGROUND_TRACE="${TRACE:+$TRACE/$3.jsonl}" \
    timeout -s INT "$2" "$node" "$root/bin/pinpoint.js" get --priority "$1" \
    -d "$work/out-$3" --state-dir "$work/state-$3" "$url" >/dev/null 2>&1 || true
}
rate() { python3 -c "import sys; b,t=map(float,sys.argv[1:]); print(round(b/t/1000,1))" "$@"; } # kB/s

echo "bench:background: 4 Mbit/s tbf (burst 32 kbit, latency 400 ms) on the server's egress, ${phase} s phases"

idle=$(probe 5)
echo "probe, idle link:                $idle"

read -r fg_bytes fg_time < <(fg "$phase")
echo "curl alone:                      $(rate "$fg_bytes" "$fg_time") kB/s"

pinpoint normal "$phase" normal & p=$!
sleep 3
normal=$(probe $((phase - 4)))
wait $p
echo "probe beside a normal download:  $normal"

t0=$(tx)
pinpoint background "$phase" bg & p=$!
sleep 5
t5=$(tx)
background=$(probe $((phase - 6)))
wait $p
t1=$(tx)
echo "probe beside a background one:   $background"
echo "background alone, whole phase:   $(rate $((t1 - t0)) "$phase") kB/s of $((link_bytes / 1000)) kB/s"
echo "background alone, after 5 s:     $(rate $((t1 - t5)) $((phase - 5))) kB/s of $((link_bytes / 1000)) kB/s"

pinpoint background $((phase + 3)) bgfg & p=$!
sleep 3
read -r both_bytes both_time < <(fg "$phase")
wait $p
echo "curl beside a background one:    $(rate "$both_bytes" "$both_time") kB/s (alone: $(rate "$fg_bytes" "$fg_time") kB/s)"

if [[ -n ${RECORD:-} ]]; then
  probe 8 "$RECORD" >/dev/null & p=$!
  sleep 3
  fg 5 >/dev/null
  wait $p
  echo "recorded the probe's samples (quiet 3 s, then curl for 5 s) in $RECORD"
fi
