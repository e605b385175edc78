#!/usr/bin/env bash
# `charvec train` with no model flags on ../shared/data/en-19k-384d.vec.gz (10 % of the words held
# out, the split of split.py), against the PyTorch twin of the same model and loss
# (hybrid_ref.py, same hyper-parameters and epochs) and the bag-of-n-grams baseline, in one run.
# Prints the table of tools/bench-quality/summarize_default.py: validation metrics at charvec's
# best epoch, each run's wall time and words/s, and PyTorch's MRR at the same epoch.
#
#   tools/bench-quality/default.sh                  # needs /tmp/torchenv (python3 -m venv /tmp/torchenv &&
#                                                   #   /tmp/torchenv/bin/pip install torch numpy gensim)
#   SEEDS="1 2 3" tools/bench-quality/default.sh    # more training seeds (same split)
#   EPOCHS=3 CHARVEC_FLAGS="--epochs 3 --no-baseline" tools/bench-quality/default.sh   # speed only, shorter
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${DATA:-$root/../shared/data/en-19k-384d.vec.gz}
OUT=${OUT:-/tmp/charvec-default}
PY=${PY:-/tmp/torchenv/bin/python}
SEEDS=${SEEDS:-1}
mkdir -p "$OUT"
cv="$OUT/charvec"
if [ -n "${CHARVEC:-}" ]; then cp "$CHARVEC" "$cv"; else  # CHARVEC=path: an already built binary
    swift build -c release --product charvec --package-path "$root" >/dev/null
    cp "$root/.build/release/charvec" "$cv"
fi
python3 "$here/split.py" "$data" "$OUT/split" >/dev/null
lscpu | sed -n 's/^Model name: *//p' > "$OUT/cpu.txt"
# The PyTorch twin with charvec's defaults (keep in step with TrainDefaults in Train+Summary.swift).
PYTORCH_FLAGS=${PYTORCH_FLAGS:-"--loss contrastive --temperature 0.03 --cos-weight 15 --cell gru --hidden 256 --char-dim 32 --mlp-hidden 512 --no-ngrams --lr 2e-3 --ema 0.999 --batch 64 --subword-weight 1 --subword-folds 5"}
epochs=${EPOCHS:-20}
for seed in $SEEDS; do
    if [ ! -s "$OUT/charvec-$seed.jsonl" ]; then
        start=$(date +%s.%N)
        "$cv" train "$data" --validation "$OUT/split/heldout-words.txt" --out "$OUT/charvec-$seed.cvm" \
            --seed "$seed" --json ${CHARVEC_FLAGS:-} > "$OUT/charvec-$seed.jsonl"
        echo "{\"wall_s\": $(echo "$(date +%s.%N) - $start" | bc)}" >> "$OUT/charvec-$seed.jsonl"
    fi
    if [ ! -s "$OUT/pytorch-$seed.jsonl" ]; then
        start=$(date +%s.%N)
        "$PY" "$here/hybrid_ref.py" --train "$OUT/split/train.vec" --holdout-file "$OUT/split/heldout.vec" \
            --epochs "$epochs" --seed "$seed" --threads 2 --typo-eval end $PYTORCH_FLAGS \
            > "$OUT/pytorch-$seed.jsonl"
        echo "{\"wall_s\": $(echo "$(date +%s.%N) - $start" | bc)}" >> "$OUT/pytorch-$seed.jsonl"
    fi
done
[ -s "$OUT/ngram.jsonl" ] || "$PY" "$here/ngram_baseline.py" "$OUT/split/train.vec" "$OUT/split/heldout.vec" \
    --epochs 20 --eval-epochs 5,10,20 > "$OUT/ngram.jsonl"
python3 "$here/summarize_default.py" "$OUT"
