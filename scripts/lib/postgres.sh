# Shared helpers for a private PostgreSQL cluster in a project-local, git-ignored folder.
# Sourced by scripts/run, scripts/test and scripts/benchmark. Every step is idempotent.

# Installs the PostgreSQL server from Debian packages when it is missing.
ensure_postgres_installed() {
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    echo "==> installing the PostgreSQL server (Debian package 'postgresql')"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  export PG_BIN
}

# Runs a PostgreSQL command as the cluster's owner: PostgreSQL refuses to run as root, so as
# root that is the 'postgres' system user.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# make_tls_certificate DIR: a self-signed certificate for localhost and 127.0.0.1 (DIR/server.crt,
# DIR/server.key, readable by the cluster's owner only), and an unrelated one (DIR/other.crt), for
# connections with sslmode=require and verify-full, and a root that must be refused.
make_tls_certificate() {
  local dir=$1 name
  command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null; }
  mkdir -p "$dir"
  for name in server other; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$dir/$name.key" -out "$dir/$name.crt" 2>/dev/null
  done
  chmod 600 "$dir"/*.key
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"/server.key "$dir"/server.crt
  return 0
}

# start_cluster DIR PORT: creates the cluster in DIR on first use and starts it on 127.0.0.1:PORT.
# With PG_TLS_DIR set (see make_tls_certificate), it also accepts TLS with that certificate;
# PG_MAX_CONNECTIONS sets max_connections (400 unless told); PG_OPTIONS adds server options
# ("-c name=value ...") when the cluster starts.
start_cluster() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    echo "==> creating a PostgreSQL cluster in $dir"
    as_pg_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    echo "==> starting PostgreSQL on 127.0.0.1:$port"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=${PG_MAX_CONNECTIONS:-400} -c fsync=${PG_FSYNC:-on} ${PG_OPTIONS:-} ${PG_TLS_DIR:+-c ssl=on -c ssl_cert_file=$PG_TLS_DIR/server.crt -c ssl_key_file=$PG_TLS_DIR/server.key}" >/dev/null
  fi
}

stop_cluster() {
  local dir=$1
  [ -f "$dir/PG_VERSION" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# create_database PORT NAME: creates the database unless it exists.
create_database() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}
