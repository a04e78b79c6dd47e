#!/usr/bin/env bash
# Set up, then build the example report of Sydnärkes IT-nämnd 2020 into build/example/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/styrkort build examples/sydnarke-it-2020 --out build/example "$@"
