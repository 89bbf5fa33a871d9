#!/usr/bin/env bash
# PostgreSQL for a team's store and for the tests: installs Debian's PostgreSQL when it is
# missing, creates a cluster in $BORDERWATCH_PG_DIR (default target/postgres, or a folder under
# /tmp when Debian's `postgres` user cannot reach the checkout) that listens on
# 127.0.0.1:$BORDERWATCH_PG_PORT (default 54329) only, starts it, creates the database
# `borderwatch`, and prints its URL. Run as root, the cluster belongs to Debian's `postgres`
# user (PostgreSQL refuses to run as root). Idempotent: a running cluster is left running.
#
# usage: scripts/postgres.sh start   # prints postgres://borderwatch@127.0.0.1:54329/borderwatch
#        scripts/postgres.sh stop
#        scripts/postgres.sh url
#        scripts/postgres.sh createdb NAME   # a further empty database, printed as a URL
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${BORDERWATCH_PG_PORT:-54329}
url() { echo "postgres://borderwatch@127.0.0.1:$port/${1:-borderwatch}"; }

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

install() {
  find_bin >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  # Debian's package starts a cluster of its own on 5432; ours is separate and needs none.
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /, which the owner may enter (the caller's folder may be closed to it).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Whether the cluster's owner can reach folder $1 through its parents (a checkout under a home
# folder that only root may enter cannot hold the cluster).
reachable() {
  [ "$(id -u)" -ne 0 ] && return 0
  local p=$1
  while [ "$p" != / ]; do
    p=$(dirname "$p")
    [ -d "$p" ] || continue
    runuser -u postgres -- test -x "$p" 2>/dev/null || return 1
  done
}

# The cluster's folder: $BORDERWATCH_PG_DIR, else target/postgres, else (when the `postgres`
# user cannot reach the checkout) a folder under /tmp.
pick_dir() {
  if [ -n "${BORDERWATCH_PG_DIR:-}" ]; then
    realpath -m "$BORDERWATCH_PG_DIR"
  elif ! getent passwd postgres >/dev/null 2>&1 || reachable "$root/target/postgres"; then
    echo "$root/target/postgres"
  else
    echo "${TMPDIR:-/tmp}/borderwatch-postgres-$port"
  fi
}

case "${1:-}" in
  start)
    install
    bin=$(find_bin)
    dir=$(pick_dir)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      reachable "$dir" || { echo "the postgres user cannot reach $dir (set BORDERWATCH_PG_DIR)" >&2; exit 2; }
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" --auth=trust --username=borderwatch --encoding=UTF8 \
        --locale=C >"$dir.initdb.log" 2>&1 || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null ||
        { tail -n 5 "$dir/server.log" >&2; exit 1; }
    fi
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U borderwatch -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'borderwatch'" | grep -q 1; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U borderwatch borderwatch
    fi
    url
    ;;
  stop)
    bin=$(find_bin) || exit 0
    dir=$(pick_dir)
    [ -f "$dir/PG_VERSION" ] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
  url)
    url
    ;;
  createdb)
    name=${2:?usage: scripts/postgres.sh createdb NAME}
    bin=$(find_bin)
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U borderwatch "$name"
    url "$name"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|url|createdb NAME" >&2
    exit 2
    ;;
esac
