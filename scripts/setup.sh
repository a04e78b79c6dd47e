#!/usr/bin/env bash
# Installs what Styrkort needs on a fresh Debian 12 machine (as root) and in .venv.
#   scripts/setup.sh          what building a report needs
#   scripts/setup.sh --test   also what the tests need (chromium, poppler, PostgreSQL, node)
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(python3-venv fonts-dejavu-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(chromium poppler-utils postgresql postgresql-contrib nodejs npm git)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from elsewhere (the image's own node); only ask apt when absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.styrkort-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  touch "$stamp"
fi
if [[ "${1:-}" == "--test" && -f package.json && ! -d node_modules/axe-core ]]; then
  npm ci --no-audit --no-fund --silent
fi
