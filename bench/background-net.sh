#!/usr/bin/env bash
# The test network of bench/background.sh: `up DIR` makes a client and a server network namespace joined by a
# veth pair, limits the server's egress with tbf (4 Mbit/s, burst 32 kbit, latency 400 ms; netem is not
# available), serves DIR/www from nginx in the server namespace and writes what it made to DIR/net.env;
# `down DIR` stops nginx and deletes the namespaces (the veth pair goes with them). Root only.
set -euo pipefail
cmd=${1:-}
work=${2:-}
[[ ($cmd == up || $cmd == down) && -d $work ]] || { echo "usage: background-net.sh up|down DIR" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "background-net.sh needs root (network namespaces and tc)" >&2; exit 2; }

if [[ $cmd == down ]]; then
  # shellcheck disable=SC1091
  source "$work/net.env"
  [[ -z ${nginx_pid:-} ]] || kill "$nginx_pid" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
  exit 0
fi

tag=$$
cli=ppbgc$tag
srv=ppbgs$tag
vc=ppc$tag
vs=pps$tag
addr=10.231.0.2
port=8080
printf 'cli=%s\nsrv=%s\nvs=%s\naddr=%s\nport=%s\n' "$cli" "$srv" "$vs" "$addr" "$port" >"$work/net.env"
ip netns add "$cli"
ip netns add "$srv"
ip link add "$vc" type veth peer name "$vs"
ip link set "$vc" netns "$cli"
ip link set "$vs" netns "$srv"
ip -n "$cli" addr add 10.231.0.1/24 dev "$vc"
ip -n "$srv" addr add "$addr/24" dev "$vs"
for ns in "$cli" "$srv"; do ip -n "$ns" link set lo up; done
ip -n "$cli" link set "$vc" up
ip -n "$srv" link set "$vs" up
ip netns exec "$srv" tc qdisc add dev "$vs" root tbf rate 4mbit burst 32kbit latency 400ms

mkdir -p "$work/www" "$work/tmp"
cat >"$work/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server { listen $addr:$port; root $work/www; }
}
CONF
# setsid: nginx outlives this script, in its own session, until `down` stops it by pid.
setsid ip netns exec "$srv" nginx -c "$work/nginx.conf" -p "$work" </dev/null >/dev/null 2>&1 &
echo "nginx_pid=$!" >>"$work/net.env"
for _ in $(seq 100); do
  [[ -s $work/nginx.pid ]] && ip netns exec "$cli" bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null && exit 0
  sleep 0.1
done
echo "background-net.sh: nginx did not answer on $addr:$port" >&2
exit 1
