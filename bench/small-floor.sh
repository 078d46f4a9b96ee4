#!/usr/bin/env bash
# The reference list of 1000 small files three ways, interleaved: Pinpoint (`get -s 1 -j 8`), the least a Node client
# can do (bench/node-floor.mjs, O_DSYNC writes) and curl (`-Z --parallel-max 8`). Each run writes into a folder of its
# own and nothing is deleted until the end: on a file system that makes new files pay for recent deletions (see
# bench/inode-reuse.ts), deleting between runs would charge each run for the one before. Every output is checked
# against the source. Prints user, system and wall seconds per run (GNU time).
#   usage: bash bench/small-floor.sh [DIR] [ROUNDS]   (DIR as given to setup-servers.sh, default /tmp/pinpoint-bench;
#   the reference nginx must be running; run `npm run build` first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/pinpoint-bench}
rounds=${2:-4}
node=${NODE:-$root/node_modules/.bin/node}
ca=$dir/certs/a.test.crt
list=$dir/lists/small.txt
[[ -f $list && -f $ca ]] || { echo "small-floor: run npm run bench (or reference.sh on $dir) once first, for its lists" >&2; exit 2; }
port=$(sed -n '1s|^https://a.test:\([0-9]*\)/.*|\1|p' "$list")
curl -sS --resolve "a.test:$port:127.0.0.1" --cacert "$ca" -o /dev/null "$(head -1 "$list")" ||
  { echo "small-floor: the reference server is not up: ../shared/bench/setup-servers.sh $dir" >&2; exit 2; }
want=$(cat "$dir"/www/small/f*.bin | openssl dgst -sha256 -r | cut -d' ' -f1)
work=$(mktemp -d /tmp/pinpoint-small-floor-XXXXXX)
trap 'rm -rf "$work"' EXIT

run() { # name folder command...
  local name=$1 out=$2
  shift 2
  mkdir -p "$out/small"
  /usr/bin/time -f '%U %S %e' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "small-floor: $name failed" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  local got
  got=$(cat "$out"/small/f*.bin | openssl dgst -sha256 -r | cut -d' ' -f1)
  [[ $got == "$want" ]] || { echo "small-floor: $name wrote other bytes than the source" >&2; exit 1; }
  read -r user sys wall <"$work/time"
  printf '| %-8s | %d | %s | %s | %s |\n' "$name" "$round" "$user" "$sys" "$wall"
}

echo '| client | round | user s | sys s | wall s |'
echo '| --- | --- | --- | --- | --- |'
n=0
for ((round = 1; round <= rounds; round++)); do
  out=$work/$((++n))
  run pinpoint "$out" "$node" "$root/bin/pinpoint.js" get --resolve "a.test:$port:127.0.0.1" --cacert "$ca" \
    --state-dir "$out/state" -s 1 -j 8 -d "$out/small" -i "$list"
  out=$work/$((++n))
  run floor "$out" env CA="$ca" "$node" "$root/bench/node-floor.mjs" "$list" "$out/small" --dsync
  out=$work/$((++n))
  sed 's|^\(https://.*/\)\(f[0-9]*\.bin\)$|url = "\1\2"\noutput = "'"$out"'/small/\2"|' "$list" >"$work/curl.conf"
  run curl "$out" curl --no-progress-meter -sS --resolve "a.test:$port:127.0.0.1" --cacert "$ca" -Z \
    --parallel-max 8 -K "$work/curl.conf"
done
