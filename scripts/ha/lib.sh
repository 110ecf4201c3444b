# Helpers for scripts/ha/run: pg_auto_failover (a monitor and two PostgreSQL nodes) on loopback.
# Sourced after scripts/lib/postgres.sh (needs PG_BIN and as_pg_owner). Every step is idempotent.

# Installs pg_auto_failover from Debian packages when it is missing: the extension for the
# installed PostgreSQL major version and the pg_autoctl command line.
ensure_auto_failover_installed() {
  local major; major=$(basename "$(dirname "$PG_BIN")")
  if ! command -v pg_autoctl >/dev/null || [ ! -f "/usr/share/postgresql/$major/extension/pgautofailover.control" ]; then
    echo "==> installing pg_auto_failover (Debian packages postgresql-$major-auto-failover, pg-auto-failover-cli)"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "postgresql-$major-auto-failover" pg-auto-failover-cli >/dev/null
  fi
  PG_AUTOCTL=$(command -v pg_autoctl)
  export PG_AUTOCTL
}
