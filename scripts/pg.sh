# Sourced by scripts/test.sh: a throwaway PostgreSQL 15 cluster on 127.0.0.1, ICU collation sv-SE.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
# A free port on 127.0.0.1 unless one is given (another cluster may hold the usual one).
PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
pg_start() {
  PG_DIR=$(mktemp -d /tmp/styrkort-pg.XXXXXX)
  chown postgres:postgres "$PG_DIR"
  su postgres -s /bin/sh -c "$PG_BIN/initdb -D $PG_DIR/data -U postgres -A trust --encoding=UTF8 --locale-provider=icu --icu-locale=sv-SE --locale=C.UTF-8" >/dev/null
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o \"-h 127.0.0.1 -p $PG_PORT -k $PG_DIR\" start" >/dev/null
  export STYRKORT_PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_DIR
}
pg_stop() {
  if [[ -n "${PG_DIR:-}" ]]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
