#!/usr/bin/env bash
# The main job on the bundled data (no other files needed): audit a table with planted defects
# and repair it, train a character-level model (its validation metrics print per epoch), and
# ask for the neighbours of out-of-vocabulary words (misspellings, new forms) through the model.
# Takes well under a minute on 2 cores. Files are written to ${DEMO_OUT:-a temporary folder}.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product charvec >/dev/null
cv=.build/release/charvec
out=${DEMO_OUT:-$(mktemp -d)}
mkdir -p "$out"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step $cv info data/en-2k-384d.vec.gz
step $cv audit data/planted-defects.vec --max-locations 3 || true   # exits 1: it finds errors
step $cv sanitize data/planted-defects.vec "$out/repaired.vec" --log "$out/changes.tsv"
step $cv audit "$out/repaired.vec" --fail-on warning
# Training on the table with the planted defects shows them being excluded, never trained on.
step $cv train data/planted-defects.vec --out "$out/tiny.cvm" --epochs 2 --hidden 16 --mlp-hidden 32
step $cv train data/en-2k-384d.vec.gz --out "$out/model.cvm" --epochs 15 --loss margin --hidden 128 \
    --mlp-hidden 256 --patience 0 --plot "$out/curve.svg" --log "$out/train.jsonl"
step $cv neighbors data/en-2k-384d.vec.gz --model "$out/model.cvm" --top 5 kingdomz runing goverment
step $cv embed "$out/model.cvm" unfriendliness --to json
echo; echo "files: $out (learning curve: $out/curve.svg)"
