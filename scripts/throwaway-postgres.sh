#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on a free loopback port and prints its URL.
#   scripts/throwaway-postgres.sh start DIR   → prints postgres://… ; data and socket live in DIR
#   scripts/throwaway-postgres.sh stop DIR
# Needs the server binaries (Debian: postgresql-15). As root, runs them as the postgres user.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
action=${1:?start or stop}
dir=${2:?a folder for the cluster}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >"$dir/initdb.log" 2>&1
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
