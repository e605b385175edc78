#!/usr/bin/env bash
# The main job on the bundled data (no other files needed): load, audit a file with planted
# defects, repair it, re-audit the repaired copy, convert between formats.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product charvec >/dev/null
cv=.build/release/charvec
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step $cv info data/en-2k-384d.vec.gz
step $cv audit data/planted-defects.vec --max-locations 3 || true   # exits 1: it finds errors
step $cv sanitize data/planted-defects.vec "$out/repaired.vec" --log "$out/changes.tsv"
step cat "$out/changes.tsv"
step $cv audit "$out/repaired.vec" --fail-on warning
step $cv convert data/en-2k-384d.vec.gz "$out/en-2k.bin" --to binary
step $cv info "$out/en-2k.bin" --json
