#!/usr/bin/env bash
# Generates the fuzz seed corpora, tools/fuzz/seeds/<target>/, from the first rows of
# data/en-2k-384d.vec.gz (cut to 8 values so each seed is a few hundred bytes) and, for the
# model target, a tiny model and checkpoint trained by charvec itself.
#
# Usage: tools/fuzz/make-seeds.sh [CHARVEC]   (default: .build/release/charvec, built if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seeds="$here/seeds"
charvec=${1:-$root/.build/release/charvec}
rm -rf "$seeds"
mkdir -p "$seeds"/{text,binary,gzip,array,model,eval,index,stdin}
# The array target starts from the NumPy, safetensors and fastText test fixtures.
cp "$root"/Tests/Corpus/formats/*.npy "$root"/Tests/Corpus/formats/*.safetensors "$seeds/array/"
cp "$root"/Tests/Corpus/formats/*.bin "$seeds/array/" 2>/dev/null || true

python3 - "$root/data/en-2k-384d.vec.gz" "$seeds" <<'PY'
import gzip, struct, sys
source, seeds = sys.argv[1], sys.argv[2]
with gzip.open(source, "rt", encoding="utf-8") as f:
    f.readline()
    rows = [f.readline().split() for _ in range(300)]
rows = [(r[0], r[1:9]) for r in rows]            # word, first 8 value tokens

def text(rs, header=True, crlf=False, trailing=False, bom=False):
    end = "\r\n" if crlf else "\n"
    lines = [f"{len(rs)} 8"] if header else []
    lines += [w + " " + " ".join(v) + (" " if trailing else "") for w, v in rs]
    return (b"\xef\xbb\xbf" if bom else b"") + (end.join(lines) + end).encode()

def binary(rs, newline=True):
    out = f"{len(rs)} 8\n".encode()
    for w, v in rs:
        out += w.encode() + b" " + struct.pack("<8f", *map(float, v)) + (b"\n" if newline else b"")
    return out

def put(target, name, data):
    with open(f"{seeds}/{target}/{name}", "wb") as f:
        f.write(data)

few = rows[:5]
unicode_rows = few[:3] + [("café", few[3][1]), ("東京", few[4][1])]
put("text", "word2vec.vec", text(few))
put("text", "glove.txt", text(few, header=False))
put("text", "crlf-bom.vec", text(few, crlf=True, bom=True))
put("text", "fasttext-trailing.vec", text(few, trailing=True))
put("text", "unicode.vec", text(unicode_rows))
put("text", "binary.bin", binary(few))
put("binary", "word2vec-c.bin", binary(few))
put("binary", "gensim.bin", binary(few, newline=False))
put("binary", "unicode.bin", binary(unicode_rows))
# The gzip target gzips inputs that lack the gzip magic itself; give it both kinds.
put("gzip", "word2vec.vec.gz", gzip.compress(text(few), mtime=0))
put("gzip", "glove.txt.gz", gzip.compress(text(few, header=False), mtime=0))
put("gzip", "binary.bin.gz", gzip.compress(binary(few), mtime=0))
put("gzip", "two-members.vec.gz", gzip.compress(text(few)[:60], mtime=0) + gzip.compress(text(few)[60:], mtime=0))
put("gzip", "plain.vec", text(few))
# Evaluation files: word pairs (tab, space), an analogy file with two sections.
put("eval", "pairs.tsv", b"# comment\nking\tqueen\t8.5\nman\twoman\t7\ncat\tdog\tnan\n")
put("eval", "pairs-space.txt", b"king queen 8.5\nman woman 7\n")
put("eval", "questions.txt", b": capital\nathens greece baghdad iraq\n: gram1-x\na b c d\nshort line\n")
# Standard input of neighbors and embed: query lines (a BOM first, several words, CRLF, blanks),
# vector lines (numpy's brackets, commas, exponents, inf/nan, a bad token), an embed word list
# with tabs and no-break spaces, and keys typed at the interactive prompt (arrows, Home/End,
# Delete, Backspace, Ctrl-U/K/D, history, UTF-8).
put("stdin", "queries.txt", "\ufeffking\nnew york\r\n\n  queen   prince \nCafé 東京\n".encode())
put("stdin", "vectors.txt", b"[0.1, -0.2, 3e-1, 4]\n0.5 0.5\t0.5,0.5\ninf nan -0 0x1p-3\n1 2 x 4\n\n")
put("stdin", "words.txt", "\ufeff  goverment\t\nkingdomz\n\u00a0naïve\u3000\n\n".encode())
put("stdin", "keys.bin", b"kin\x1b[Dg\x1bOH\x1b[3~\x1b[F\x7f\r\x1b[A\x1b[B\x01x\x05\x15king\x0b\x02\x06\r"
    + "é日\t".encode() + b"\x1b[1~\x1b[4~\x1b[200~\x04\x04\x0d\x04")
# Training table for the model seeds (not itself a seed).
with open(f"{seeds}/model/table.vec", "wb") as f:
    f.write(text(rows))
PY

if [ ! -x "$charvec" ]; then (cd "$root" && swift build -c release --product charvec); fi
table="$seeds/model/table.vec"
"$charvec" train "$table" --out "$seeds/model/tiny.model" --checkpoint "$seeds/model/tiny.checkpoint" \
    --hidden 4 --char-dim 4 --mlp-hidden 4 --epochs 1 --batch 64 --threads 1 >/dev/null
"$charvec" train "$table" --out "$seeds/model/tiny-gru.model" --checkpoint "$seeds/model/tiny-gru.checkpoint" \
    --cell gru --layers 2 --hidden 2 --char-dim 2 --mlp-hidden 2 --epochs 1 --batch 64 --threads 1 >/dev/null
"$charvec" index "$table" --limit 20 --out "$seeds/index/tiny.hnsw" --m 4 --ef-construction 8 >/dev/null
rm "$table"
ls -l "$seeds"/*
