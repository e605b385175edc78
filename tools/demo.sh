#!/usr/bin/env bash
# The main job on the bundled data (no other files needed): builds charvec in release mode and runs
# `charvec demo`, which audits a copy of the sample with planted defects and repairs it, trains a
# character-level model (validation metrics per epoch, a learning curve) and prints the neighbours
# of out-of-vocabulary words. Arguments go to `charvec demo` (see `charvec demo --help`): --out DIR
# (default: a new temporary folder, or $DEMO_OUT), --epochs N, --seed N, --quick.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --package-path "$root" --product charvec >/dev/null
exec "$root/.build/release/charvec" demo ${DEMO_OUT:+--out "$DEMO_OUT"} "$@"
