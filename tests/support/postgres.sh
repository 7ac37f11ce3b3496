#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs for the pg backend tests, and prints its connection string.
#
#   export TERRANE_TEST_PG_CONN="$(tests/support/postgres.sh)"
#
# Uses a server already answering on 127.0.0.1:$TERRANE_PG_PORT (55432 by default); otherwise
# installs Debian's postgresql package when no server binaries are present, creates a throwaway
# cluster (trust authentication, loopback only, fsync off) in $TERRANE_PG_DATA
# (/tmp/terrane-pg-PORT by default) and starts it. Everything but the connection string goes to
# standard error.
set -euo pipefail
port=${TERRANE_PG_PORT:-55432}
data=${TERRANE_PG_DATA:-/tmp/terrane-pg-$port}
conn="host=127.0.0.1 port=$port user=postgres dbname=postgres"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin=$(bindir)
if [[ -z $bin ]]; then
    echo "installing PostgreSQL (Debian's postgresql package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(bindir)
fi
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    echo "$conn"
    exit 0
fi
as_owner=()
if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --create-home postgres
    as_owner=(runuser -u postgres --)
fi
if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    mkdir -p "$data"
    [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$data"
    "${as_owner[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
fi
"${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
echo "$conn"
