#!/usr/bin/env bash
# One 1 GiB HTTPS download three ways, once each: Pinpoint direct, Pinpoint through squid (CONNECT), and curl
# through the same squid (`curl -x`). nginx (TLS 1.3, a throwaway CA) and squid (no cache, no auth) run on
# 127.0.0.1 from a temp folder and are stopped by pid. Prints wall and CPU seconds per case (GNU time).
#   usage: bash bench/proxy.sh [workdir]   (needs nginx squid curl openssl time; run `npm run build` first)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/pinpoint-proxy-bench-XXXXXX)}
mkdir -p "$work"/{www,out,logs,state}
node=${NODE:-$here/node_modules/.bin/node}
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -n "${squid_pid:-}" ] && kill "$squid_pid" 2>/dev/null || true
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.test \
  -addext subjectAltName=DNS:bench.test -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
head -c 1073741824 /dev/zero > "$work/www/1g.bin"
ngport=$((20000 + RANDOM % 10000))
sqport=$((ngport + 1))
cat > "$work/nginx.conf" <<CONF
daemon on; pid $work/nginx.pid; error_log $work/logs/error.log; worker_processes 1;
events {}
http {
  access_log off; sendfile on;
  client_body_temp_path $work/logs; proxy_temp_path $work/logs; fastcgi_temp_path $work/logs;
  uwsgi_temp_path $work/logs; scgi_temp_path $work/logs;
  server {
    listen 127.0.0.1:$ngport ssl; server_name bench.test; root $work/www;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; ssl_protocols TLSv1.3;
  }
}
CONF
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf"
cat > "$work/squid.conf" <<CONF
http_port 127.0.0.1:$sqport
pid_filename $work/squid.pid
$( [ "$(id -u)" = 0 ] && echo 'cache_effective_user nobody' )
cache deny all
access_log none
cache_log $work/logs/cache.log
netdb_filename none
pinger_enable off
shutdown_lifetime 0 seconds
visible_hostname pinpoint-bench
hosts_file $work/hosts
http_access allow all
CONF
echo "127.0.0.1 bench.test" > "$work/hosts"
[ "$(id -u)" = 0 ] && chown -R nobody "$work/logs" "$work"
/usr/sbin/squid -N -f "$work/squid.conf" & squid_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$sqport/" && break; sleep 0.1; done

run() {
  local name=$1; shift
  rm -rf "$work/out"/* "$work/state"/*; sync
  /usr/bin/time -f "$name wall %e s, cpu %U+%S s, peak RSS %M KiB" "$@" > /dev/null
  cmp -s "$work/out/1g.bin" "$work/www/1g.bin" || { echo "$name: output differs" >&2; exit 1; }
}
url="https://bench.test:$ngport/1g.bin"
pp=("$node" "$here/bin/pinpoint.js" get --state-dir "$work/state" --resolve "bench.test:$ngport:127.0.0.1" \
  --cacert "$work/cert.pem" -s 1 -d "$work/out")
run pinpoint-direct "${pp[@]}" "$url"
run pinpoint-squid "${pp[@]}" -x "http://127.0.0.1:$sqport" "$url"
run curl-squid curl -sS -x "http://127.0.0.1:$sqport" --resolve "bench.test:$ngport:127.0.0.1" --cacert "$work/cert.pem" \
  -o "$work/out/1g.bin" "$url"
