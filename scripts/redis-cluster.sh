#!/usr/bin/env bash
# A real local Redis Cluster from Debian's redis-server: 3 masters + 3 replicas on loopback ports
# BASE..BASE+5 (default 7101–7106), state in a temp dir. Leaves the standalone Redis on 6379 alone.
#
#   scripts/redis-cluster.sh start [BASE]   # idempotent; prints the seed URL
#   scripts/redis-cluster.sh stop [BASE]    # shuts the six nodes down, removes the temp dir
#   scripts/redis-cluster.sh status [BASE]
set -euo pipefail

cmd="${1:-start}"
base="${2:-${CURFEW_CLUSTER_BASE:-7101}}"
dir="${TMPDIR:-/tmp}/curfew-redis-cluster-${base}"
ports=()
for i in 0 1 2 3 4 5; do ports+=("$((base + i))"); done

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
healthy() {
  for port in "${ports[@]}"; do
    cli "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

start_node() {
  local port="$1"
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
    --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 --repl-diskless-sync-delay 0 \
    --save '' --appendonly no --enable-debug-command yes >/dev/null 9>&-  # the lock stays with this script
}

case "$cmd" in
  start)
    command -v redis-server >/dev/null || { echo "redis-cluster: needs redis-server (apt-get install -y redis-server)" >&2; exit 1; }
    exec 9>"${TMPDIR:-/tmp}/curfew-redis-cluster-${base}.lock"
    flock 9
    if healthy; then echo "redis://127.0.0.1:${base}"; exit 0; fi
    # Anything half up from an earlier run goes first.
    for port in "${ports[@]}"; do cli "$port" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$dir"
    for port in "${ports[@]}"; do start_node "$port"; done
    for port in "${ports[@]}"; do
      for _ in $(seq 1 100); do cli "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
    done
    redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
      || { cat "$dir/create.log" >&2; exit 1; }
    for _ in $(seq 1 200); do healthy && break; sleep 0.05; done
    healthy || { echo "redis-cluster: the cluster did not become healthy" >&2; exit 1; }
    # Replicas must have synced before anything relies on failover.
    for _ in $(seq 1 200); do
      synced=0
      for port in "${ports[@]}"; do
        cli "$port" info replication 2>/dev/null | grep -q 'master_link_status:up' && synced=$((synced + 1))
      done
      [[ "$synced" -ge 3 ]] && break
      sleep 0.05
    done
    echo "redis://127.0.0.1:${base}"
    ;;
  stop)
    for port in "${ports[@]}"; do cli "$port" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$dir"
    ;;
  status)
    healthy && { echo "up: redis://127.0.0.1:${base}"; exit 0; }
    echo "down"; exit 1
    ;;
  *)
    echo "usage: $0 start|stop|status [BASE]" >&2; exit 2
    ;;
esac
