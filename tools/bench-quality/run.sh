#!/usr/bin/env bash
# Quality comparison on ../shared/data/en-19k-384d.vec.gz with 10 % of the words held out (the
# same split for every model): charvec vs the PyTorch reference (identical model and
# hyper-parameters) vs a bag-of-character-n-grams baseline. Writes JSON lines under $OUT and
# prints the Markdown table (tools/bench-quality/summarize.py). charvec runs twice per model: with its
# default initialisation and with --initialization pytorch.
#
#   tools/bench-quality/run.sh            # needs /tmp/torchenv: python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy gensim
#   SEEDS="2 3" CONFIGS="lstm-mse gru-mse" tools/bench-quality/run.sh   # more training seeds (same split);
#                                          # files of seed N > 1 end in -seedN; summarize.py averages them
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${DATA:-$root/../shared/data/en-19k-384d.vec.gz}
OUT=${OUT:-/tmp/charvec-quality}
PY=${PY:-/tmp/torchenv/bin/python}
EPOCHS=${EPOCHS:-20}
mkdir -p "$OUT"
swift build -c release --product charvec --package-path "$root" >/dev/null
cv="$OUT/charvec"
cp "$root/.build/release/charvec" "$cv"
python3 "$here/split.py" "$data" "$OUT/split"
SEEDS=${SEEDS:-1}
CONFIGS=${CONFIGS:-lstm-mse lstm-margin gru-mse gru-margin lstm-margin-h256 lstm-mse-h256 gru-margin-h256 gru-mse-h256}
run() { # name, then model options shared by both
    local name=$1; shift
    case " $CONFIGS " in *" $name "*) ;; *) return 0 ;; esac
    local seed
    for seed in $SEEDS; do
        if [ "$seed" = 1 ]; then run_seed "$name" 1 "$@"; else run_seed "$name-seed$seed" "$seed" "$@"; fi
    done
}
# The reference's Mimick model (its defaults), which charvec's own defaults are not: no n-gram
# table, no subword head, char dim 20, hidden 50, MLP 100, Adam 1e-3. Per-model options come after.
mimick=(--char-dim 20 --hidden 50 --mlp-hidden 100 --lr 1e-3 --ngram-buckets 0 --subword-weight 0)
run_seed() { # file name, seed, then model options shared by both
    local name=$1 seed=$2; shift 2
    set -- "$@" --seed "$seed"
    [ -s "$OUT/charvec-$name.jsonl" ] || "$cv" train "$data" --validation "$OUT/split/heldout-words.txt" \
        --out "$OUT/charvec-$name.cvm" --epochs "$EPOCHS" --patience 0 --json "${mimick[@]}" "$@" > "$OUT/charvec-$name.jsonl"
    # The same with PyTorch's initial weights (identical model, hyper-parameters and initial distribution).
    [ -s "$OUT/charvec-ptinit-$name.jsonl" ] || "$cv" train "$data" --validation "$OUT/split/heldout-words.txt" \
        --out "$OUT/charvec-ptinit-$name.cvm" --epochs "$EPOCHS" --patience 0 --json --initialization pytorch "${mimick[@]}" "$@" \
        > "$OUT/charvec-ptinit-$name.jsonl"
    local ref=() ; local a
    # Same options for the reference (its names differ only for --negatives).
    while [ $# -gt 0 ]; do a=$1; shift
        case $a in --negatives) ref+=(--neg "$1"); shift ;; *) ref+=("$a") ;; esac
    done
    [ -s "$OUT/pytorch-$name.jsonl" ] || (cd "$OUT/split" && "$PY" /"$root"/../shared/reference/mimick_ref.py --train train.vec \
        --holdout-file heldout.vec --epochs "$EPOCHS" --threads 2 "${ref[@]}" > "$OUT/pytorch-$name.jsonl")
}
run lstm-mse --cell lstm --loss mse
run lstm-margin --cell lstm --loss margin
run gru-mse --cell gru --loss mse
run gru-margin --cell gru --loss margin
run lstm-margin-h256 --cell lstm --loss margin --hidden 256 --mlp-hidden 512
run lstm-mse-h256 --cell lstm --loss mse --hidden 256 --mlp-hidden 512
run gru-margin-h256 --cell gru --loss margin --hidden 256 --mlp-hidden 512
run gru-mse-h256 --cell gru --loss mse --hidden 256 --mlp-hidden 512
[ -s "$OUT/ngram.jsonl" ] || "$PY" "$here/ngram_baseline.py" "$OUT/split/train.vec" "$OUT/split/heldout.vec" \
    --epochs "$EPOCHS" --eval-epochs 5,10,20 > "$OUT/ngram.jsonl"
python3 "$here/summarize.py" "$OUT"
