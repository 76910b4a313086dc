#!/usr/bin/env bash
# Makes a Python virtual environment with `lifetimes` (PyPI) and writes the
# reference JSON that casebook's prediction tests compare with:
#   bench/lifetimes_reference.sh                 # tests/fixtures/clv/lifetimes_reference.json
#   bench/lifetimes_reference.sh --full /tmp/ref # every customer, for bench/compare_clv.py
# VENV (default /tmp/casebook-lifetimes-venv) is reused when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/casebook-lifetimes-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "lifetimes==0.11.3"
fi
"$VENV/bin/python" bench/lifetimes_reference.py "$@"
