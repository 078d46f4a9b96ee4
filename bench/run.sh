#!/usr/bin/env bash
# npm run bench: start the shared nginx reference server on loopback and time Pinpoint beside curl, aria2c and wget.
# Needs nginx, curl, aria2c, wget and GNU time (Debian: apt-get install -y nginx curl aria2 wget time).
# Then bench/queue-scale.sh times engine start and `pinpoint ls` over 10,000 queued transfers, and bench/doh.ts
# times DoH lookups and a node measurement (DOH=0 skips it; it needs unbound).
# Env: BENCH_DIR (default /tmp/pinpoint-bench), RUNS, CASES (passed to reference.sh), QUEUE=0 skips the queue case.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${PINPOINT_SHARED:-$root/../shared}
dir=${BENCH_DIR:-/tmp/pinpoint-bench}
[[ -x $shared/bench/setup-servers.sh ]] || { echo "bench: $shared/bench not found (set PINPOINT_SHARED)" >&2; exit 2; }
mkdir -p "$dir"
bash "$shared/bench/setup-servers.sh" "$dir"
trap 'bash "$shared/bench/setup-servers.sh" "$dir" stop >/dev/null 2>&1 || true' EXIT
# The project's own Node 24 runs the CLI; reference.sh's plain-Node cases use it too.
export PATH="$root/node_modules/.bin:$PATH"
# The CLI as users run it: bin/pinpoint.js picks the one-file bundle when it is newer than the sources.
(cd "$root" && vite build --config vite.cli.config.ts --logLevel warn)
PINPOINT="node $root/bin/pinpoint.js" NODE="$root/node_modules/.bin/node" bash "$shared/bench/reference.sh" "$dir"
[[ ${QUEUE:-1} == 0 ]] || NODE="$root/node_modules/.bin/node" bash "$root/bench/queue-scale.sh" "$dir"
# DoH lookups (cold, warm, cached) against Unbound, and a `--nodes` measurement against the reference nginx.
[[ ${DOH:-1} == 0 || ! -x /usr/sbin/unbound ]] || "$root/node_modules/.bin/node" "$root/bench/doh.ts" "$dir"
