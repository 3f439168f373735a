#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for tests and prints its DATABASE_URL.
# As root it runs the server as the postgres user (initdb refuses root). fsync is off: test data only.
# Usage: scripts/start-postgres.sh [PORT]   (default: a free port; stop: the command printed on stderr)
set -euo pipefail
port="${1:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/postgres" ] || { echo "no PostgreSQL server found (apt-get install -y postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/billpay-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_pg=(runuser -u postgres --); fi
# UTF8 and the C.UTF-8 locale whatever this shell's LANG: without a LANG (a fresh CI machine) initdb
# makes an SQL_ASCII cluster, where lower() and regular expressions see bytes, not letters.
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
echo "PostgreSQL on 127.0.0.1:$port (stop: ${as_pg[*]} $bin/pg_ctl -D $dir/data stop)" >&2
echo "postgres://postgres@127.0.0.1:$port/postgres"
