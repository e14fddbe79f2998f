#!/usr/bin/env bash
# What the full test suite needs from the system, installed and started when missing, on Debian (as
# root, with apt). Each step says what it did; a step with nothing to do says nothing. Safe to run
# again: a server that answers is left as it is, and a configuration is only written for a cluster
# this script created itself.
#
#   promtool          (Debian's prometheus)  checks the /metrics exposition
#   Chromium          (Debian's chromium)    runs the dashboard's browser tests
#   PostgreSQL        127.0.0.1:5432, user postgres with trust auth on loopback, database `test`,
#                     and the server programs (initdb, pg_ctl) the chaos test runs its own cluster with
#   NATS + JetStream  127.0.0.1:4222, for the NATS bridge
#
# Usage: bash .ci/services.sh   (called by .ci/run)
set -euo pipefail

say() { echo "[services] $*"; }

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "cannot install $* here (no apt-get): install it by hand"
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "installing $* (Debian packages)"
  local log
  log=$(mktemp)
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "$@" >"$log" 2>&1; then
    cat "$log"
    rm -f "$log"
    say "could not install $*"
    return 1
  fi
  rm -f "$log"
}

# Waits up to $2 seconds for a TCP port on loopback to accept connections.
wait_for_port() {
  local port=$1 seconds=$2
  for _ in $(seq 1 "$((seconds * 4))"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_promtool() {
  command -v promtool >/dev/null 2>&1 || apt_install prometheus
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# The newest PostgreSQL major version whose server programs are installed, or nothing.
postgres_version() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && basename "$(dirname "$(dirname "$dir")")"
}

ensure_postgres() {
  local installed=0
  if [ -z "$(postgres_version)" ]; then
    apt_install postgresql
    installed=1
  fi
  local version
  version=$(postgres_version)
  if [ -z "$version" ]; then
    say "PostgreSQL's server programs are still missing after the install"
    return 1
  fi
  if [ "$installed" = 1 ] && pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
    # The package made an empty cluster with password auth on loopback: a test server wants trust.
    say "replacing the empty cluster the package made with one that trusts loopback connections"
    pg_dropcluster --stop "$version" main
  fi
  if ! port_open 5432; then
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
      say "creating PostgreSQL $version cluster 'main' on 127.0.0.1:5432 (trust auth for loopback: a test server)"
      pg_createcluster "$version" main --port 5432 -- --auth-local=trust --auth-host=trust >/dev/null
    fi
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    if ! wait_for_port 5432 60; then
      say "PostgreSQL did not start listening on 127.0.0.1:5432"
      return 1
    fi
  fi
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    say "PostgreSQL answers on 127.0.0.1:5432 but user postgres cannot sign in without a password: the tests need trust auth on loopback (pg_hba.conf)"
    return 1
  fi
  if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'")" != "1" ]; then
    say "creating database 'test'"
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test' >/dev/null
  fi
}

ensure_nats() {
  port_open 4222 && return 0
  command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  local bin
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  local store=/var/lib/nats-server
  mkdir -p "$store"
  say "starting nats-server with JetStream on 127.0.0.1:4222"
  start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p 4222 -js -sd "$store" -l /var/log/nats-server.log
  if ! wait_for_port 4222 30; then
    say "nats-server did not start listening on 127.0.0.1:4222 (see /var/log/nats-server.log)"
    return 1
  fi
}

ensure_promtool
ensure_chromium
ensure_postgres
ensure_nats
