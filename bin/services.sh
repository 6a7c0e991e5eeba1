# Sourced by bin/test: make sure a PostgreSQL and a Redis server answer, and export
# DATABASE_URL and REDIS_URL for them. Uses the given URLs, else the local servers, else
# starts throwaway servers (installing them first when root on Debian).

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# apt_install PACKAGE [ALTERNATIVE]: install from Debian's packages when root, else say how.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing $1 from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "No $1 found. Install it (Debian: sudo apt-get install $1)${2:+ or $2}." >&2
    exit 1
  fi
}

throwaway_dir=""
stop_throwaway_servers() {
  [ -n "$throwaway_dir" ] || return 0
  [ -f "$throwaway_dir/pg/data/postmaster.pid" ] &&
    $as_postgres "$pg_bin/pg_ctl" -D "$throwaway_dir/pg/data" -m fast stop >/dev/null
  [ -f "$throwaway_dir/redis.pid" ] && kill "$(cat "$throwaway_dir/redis.pid")" 2>/dev/null
  rm -rf "$throwaway_dir"
}

make_throwaway_dir() {
  if [ -z "$throwaway_dir" ]; then
    throwaway_dir=$(mktemp -d)
    chmod 755 "$throwaway_dir"
    trap stop_throwaway_servers EXIT
  fi
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return; fi
  if answers 5432; then
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/filiform
    return
  fi
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pg_bin" ]; then
    apt_install postgresql "set DATABASE_URL"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  make_throwaway_dir
  as_postgres=""
  if [ "$(id -u)" = 0 ]; then as_postgres="runuser -u postgres --"; fi
  local home="$throwaway_dir/pg"
  mkdir "$home"
  if [ -n "$as_postgres" ]; then chown postgres "$home"; fi
  echo "Starting a throwaway PostgreSQL on port 55432"
  $as_postgres "$pg_bin/initdb" -D "$home/data" -U postgres -A trust >/dev/null
  $as_postgres "$pg_bin/pg_ctl" -D "$home/data" -w -l "$home/server.log" \
    -o "-p 55432 -k $home -c listen_addresses=127.0.0.1" start >/dev/null
  export DATABASE_URL=postgres://postgres@127.0.0.1:55432/filiform
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return; fi
  if answers 6379; then
    export REDIS_URL=redis://127.0.0.1:6379/0
    return
  fi
  command -v redis-server >/dev/null || apt_install redis-server "set REDIS_URL"
  make_throwaway_dir
  echo "Starting a throwaway Redis on port 56379"
  redis-server --port 56379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$throwaway_dir/redis.pid" --logfile "$throwaway_dir/redis.log" >/dev/null
  until answers 56379; do sleep 0.1; done
  export REDIS_URL=redis://127.0.0.1:56379/0
}

# Programs the tests run themselves: Chromium for the patient-page browser test, redis-server
# for the aftercare fault test (it kills and restarts a Redis of its own).
ensure_program() {
  command -v "$1" >/dev/null || apt_install "$2"
}

# Shared libraries a Python package loads at run time: Pango (with HarfBuzz and fontconfig)
# for WeasyPrint, which draws the signed session note as PDF.
ensure_library() {
  ldconfig -p | grep -F "$1" >/dev/null || apt_install "$2"
}

# A font family installed (fontconfig's fc-list must be there to ask).
ensure_font() {
  fc-list | grep -F "$1" >/dev/null || apt_install "$2"
}
