#!/usr/bin/env bash
# The cost of verifying a publisher's signature: a 1 GiB file downloaded with --checksum alone, with --checksum
# plus a minisign signature (prehashed, so BLAKE2b-512 joins SHA-256), and with the signature alone (what a user
# who has the publisher's key runs instead of a checksum), over one, four and eight connections; each digest is
# hashed on a worker thread as the file is written. Every ratio is against --checksum alone.
# nginx serves the file over plain HTTP on loopback, so the verification is as large a share of the time as it
# can be. Each case is a whole `pinpoint get` under GNU time, rounds interleaved, output deleted and synced
# before each; the median of RUNS is quoted.
# Usage: signature.sh DIR      (DIR/sig-data holds the file, its signature and the key; reused)
# Env:   RUNS=3 SIZE_MIB=1024 SPLITS="1 4 8" (connections per case; 4 is the default) NODE=<project's node>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: $0 DIR}
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
SPLITS=${SPLITS:-1 4 8}
NODE=${NODE:-$root/node_modules/.bin/node}
TIME=/usr/bin/time
data="$dir/sig-data"
res="$dir/sig-results"
mkdir -p "$data" "$res"
[[ -x $TIME ]] || { echo "need GNU time at $TIME (Debian package 'time')" >&2; exit 1; }

if [[ ! -s $data/big-$SIZE_MIB.bin.minisig ]]; then
  rm -f "$data"/big-* "$data"/key.*
  head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$data/big-$SIZE_MIB.bin"
  minisign -G -W -p "$data/key.pub" -s "$data/key.sec" > /dev/null
  minisign -S -s "$data/key.sec" -m "$data/big-$SIZE_MIB.bin" -t "bench" > /dev/null
  sha256sum "$data/big-$SIZE_MIB.bin" | cut -d' ' -f1 > "$data/big-$SIZE_MIB.sha256"
fi
sha=$(cat "$data/big-$SIZE_MIB.sha256")

# nginx on a free loopback port, in the foreground under our own pid, stopped at exit.
port=$("$NODE" -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$res/nginx"
cat > "$res/nginx/nginx.conf" << CONF
daemon off;
worker_processes 1;
pid $res/nginx/nginx.pid;
error_log $res/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $res/nginx/tmp; proxy_temp_path $res/nginx/tmp; fastcgi_temp_path $res/nginx/tmp;
  uwsgi_temp_path $res/nginx/tmp; scgi_temp_path $res/nginx/tmp;
  sendfile on;
  server { listen 127.0.0.1:$port; root $data; }
}
CONF
nginx -c "$res/nginx/nginx.conf" -p "$res/nginx" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2> /dev/null || true' EXIT
for _ in $(seq 50); do curl -sfo /dev/null "http://127.0.0.1:$port/big-$SIZE_MIB.bin.minisig" && break; sleep 0.1; done

url="http://127.0.0.1:$port/big-$SIZE_MIB.bin"
sig=(--signature "$url.minisig" --pubkey "$data/key.pub")
declare -a NAMES=() ARGS=()
for s in $SPLITS; do
  NAMES+=("s$s-checksum" "s$s-checksum+signature" "s$s-signature")
  ARGS+=("-s $s --checksum sha256=$sha" "-s $s --checksum sha256=$sha ${sig[*]}" "-s $s ${sig[*]}")
done
raw="$res/raw.tsv"
printf 'case\tround\twall_s\tcpu_s\tmaxrss_kb\n' > "$raw"
for ((r = 1; r <= RUNS; r++)); do
  for c in "${!NAMES[@]}"; do
    out="$res/out"
    rm -rf "$out" "$res/state" && mkdir -p "$out" && sync
    # shellcheck disable=SC2086
    PINPOINT_STATE_DIR="$res/state" $TIME -f '%e %U %S %M' -o "$res/time.out" \
      "$NODE" "$root/bin/pinpoint.js" get -d "$out" ${ARGS[c]} "$url" 2> "$res/stderr.txt" \
      || { echo "FAILED: ${NAMES[c]}" >&2; cat "$res/stderr.txt" >&2; exit 1; }
    read -r wall user sys rss < <(tail -1 "$res/time.out")
    printf '%s\t%d\t%s\t%s\t%s\n' "${NAMES[c]}" "$r" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" \
      "$rss" >> "$raw"
  done
done

echo "# $SIZE_MIB MiB over plain HTTP on loopback; $RUNS runs each; raw figures in $raw"
echo "| case | median wall s (min..max) | median cpu s | vs --checksum alone |"
echo "|---|---|---|---|"
awk -F'\t' '
  function median(s,   a, k, i, j, t) { k = split(s, a, " ");
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  function mn(s, a, k, i, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
  function mx(s, a, k, i, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
  NR > 1 { if (!($1 in wall)) order[++n] = $1; wall[$1] = wall[$1] " " $3; cpu[$1] = cpu[$1] " " $4 }
  END { for (i = 1; i <= n; i++) { c = order[i]; w = median(wall[c]); base = c; sub(/\+signature$/, "", base); sub(/-signature$/, "-checksum", base)
    printf "| %s | %.3f (%.3f..%.3f) | %.2f | %.2fx |\n", c, w, mn(wall[c]), mx(wall[c]), median(cpu[c]), w / median(wall[base]) } }
' "$raw"
