#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15: initdb in a temp dir, start it on a
# free loopback port, export DATABASE_URL for the command, then always stop and remove it.
# PG_OPTIONS adds server settings (e.g. "-c shared_buffers=2GB").
# Run as root, the cluster belongs to the unprivileged user `nobody` (PostgreSQL refuses root).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || PG_BIN=$(pg_config --bindir 2>/dev/null || true)
[ -x "$PG_BIN/initdb" ] || { echo "with-postgres: PostgreSQL 15 server binaries not found (set PG_BIN)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/portal-pg.XXXXXX")
as_owner=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$tmp"
    as_owner=(runuser -u nobody --)
fi
pg() { (cd "$tmp" && "${as_owner[@]}" "$PG_BIN/$@"); }

cleanup() {
    pg pg_ctl -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg initdb -D "$tmp/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; exit 1; }
pg pg_ctl -D "$tmp/data" -l "$tmp/server.log" -w start \
    -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_OPTIONS:-}" >/dev/null \
    || { cat "$tmp/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
