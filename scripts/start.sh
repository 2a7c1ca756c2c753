#!/usr/bin/env bash
# One command from a fresh checkout: install everything, then start Fringe.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
exec npm start
