#!/usr/bin/env bash
# Set up everything the tests need, then lint, type-check and run the whole suite:
# once on SQLite, and the database tests again on a throwaway PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

ruff check src tests bench
ruff format --check src tests bench
mypy

source scripts/pg.sh
pg_start
trap pg_stop EXIT

status=0
pytest "$@" || status=$?
# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
if [[ $status -eq 5 ]]; then echo "test.sh: pytest ran no test" >&2; exit 1; fi
if [[ $status -ne 0 ]]; then exit $status; fi

if [[ -d tests/web ]] && compgen -G "tests/web/test_*.py" >/dev/null; then
  echo "test.sh: web tests again on PostgreSQL ($STYRKORT_PG_URL)"
  # Every Django test and every browser test (each browser server gets its own PostgreSQL
  # database, copied from a template), so the screens are tried on both engines.
  STYRKORT_DATABASE_URL="$STYRKORT_PG_URL" pytest tests/web -p no:randomly || status=$?
  if [[ $status -eq 5 ]]; then status=0; fi
fi
exit $status
