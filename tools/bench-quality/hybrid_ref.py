#!/usr/bin/env python3
"""PyTorch twin of charvec's model (with or without its n-gram table, --no-ngrams) and contrastive loss, for quality and speed comparisons in the same run (tools/bench-quality/default.sh passes `charvec train`'s defaults).

Model  p(word) = r(word) + g(word)            (--ngram-mode add, the default)
  r : Mimick (as shared/reference/mimick_ref.py): chars -> Embedding(C) -> bidirectional
      LSTM/GRU (H per direction) -> concat(final fwd, final bwd) -> Linear(2H->M) -> tanh
      -> Linear(M->D).                        (--no-rnn drops it)
  g : mean of the rows of a table E[B x D] (zeros at start) indexed by the hashed
      character n-grams, n = 3..6, of "<" + word + ">" (Unicode characters); each gram's
      UTF-8 bytes are hashed with 32-bit FNV-1a (h = 2166136261; per byte: h ^= b;
      h = h * 16777619 mod 2^32), bucket = h % B.  nn.EmbeddingBag(mode='mean',
      sparse=True) trained with torch.optim.SparseAdam (--sparse-lr).  (--no-ngrams drops it)
      --ngram-mode concat: instead g (dim --ngram-dim) is concatenated to the BiRNN state
      before the MLP (experimental, not in the Swift spec).
Optimisers: Adam (--lr) on every dense parameter; global-norm clipping (--clip 5.0) over
the DENSE parameters only (the n-gram table is not clipped).

Losses
  contrastive : p^ = p / max(|p|, 1e-8); logits = p^ T^T / tau over ALL training targets T
                (unit rows); cross-entropy with the word's own row; + lambda (1 - p^.t)
                (--temperature tau, --cos-weight lambda).  Mean over the batch.
  mse, margin : as in mimick_ref.py.

--augment typos --typo-rate rho: every epoch a fresh sample of round(rho * N3) training
words (N3 = words of >= 3 characters) each gets ONE extra example: a one-edit typo (seeded
by --seed and the epoch) mapped to the word's own target.  Edit kinds, equally likely:
adjacent swap, deletion, insertion of a training letter, substitution (QWERTY neighbour
for a-z / A-Z, else a random training letter).  An edit that leaves the word unchanged is
redrawn.

Typo metrics: for each held-out word of >= 4 characters one typo (fixed seed 12345, the
same in every run) and for 2,000 training words of >= 4 characters (fixed sample): share
whose own word ranks in the top 10 among ALL targets (train U held-out), + MRR.

Batches: --bucketing exact (every batch one character length, no padding), as the reference.
Output: one JSON line per epoch (epoch 0 = before training) to stdout and --out.

    python hybrid_ref.py --train train.vec --holdout-file heldout.vec --loss contrastive \
        --temperature 0.05 --cos-weight 0.5 --buckets 100000 --hidden 256 --epochs 10
"""
import argparse
import gzip
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

PAD, UNK = 0, 1
TYPO_EVAL_SEED = 12345


# --------------------------------------------------------------------------- data (from mimick_ref)
def _open(path, mode):
    return gzip.open(path, mode) if path.endswith(".gz") else open(path, mode)


def _chain(a, b):
    yield from a
    yield from b


def _read_text(path, max_words):
    words, rows, dim = [], [], None
    with _open(path, "rt") as f:
        first = f.readline().rstrip("\n").split(" ")
        if len(first) == 2 and first[0].isdigit() and first[1].isdigit():
            dim = int(first[1])
            lines = f
        else:
            lines = _chain([" ".join(first)], f)
        for line in lines:
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if dim is None:
                dim = len(parts) - 1
            if len(parts) < dim + 1:
                continue
            words.append(" ".join(parts[: len(parts) - dim]))
            rows.append(np.asarray(parts[len(parts) - dim:], dtype=np.float32))
            if max_words and len(words) >= max_words:
                break
    return words, np.stack(rows)


def read_w2v(path, max_words=0):
    try:
        from gensim.models import KeyedVectors
        kv = KeyedVectors.load_word2vec_format(path, binary=".bin" in os.path.basename(path),
                                               limit=max_words or None)
        return list(kv.index_to_key), np.asarray(kv.vectors, np.float32), "gensim"
    except ImportError:
        w, v = _read_text(path, max_words)
        return w, v, "builtin"


def normalize(m):
    return (m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)).astype(np.float32)


def dedup(words, vecs):
    seen, keep = set(), []
    for i, w in enumerate(words):
        if w not in seen:
            seen.add(w)
            keep.append(i)
    return [words[i] for i in keep], vecs[keep]


# --------------------------------------------------------------------------- n-grams
def fnv1a(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


class NgramHasher:
    def __init__(self, buckets, nmin=3, nmax=6):
        self.B, self.nmin, self.nmax = buckets, nmin, nmax
        self.cache = {}

    def __call__(self, word):
        ids = self.cache.get(word)
        if ids is None:
            w = "<" + word + ">"
            ids = [fnv1a(w[i:i + n].encode("utf-8")) % self.B
                   for n in range(self.nmin, self.nmax + 1) for i in range(len(w) - n + 1)]
            ids = np.asarray(ids, np.int64)
            self.cache[word] = ids
        return ids


# --------------------------------------------------------------------------- typos
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _qwerty_neighbours():
    pos = {c: (r, i) for r, row in enumerate(QWERTY) for i, c in enumerate(row)}
    nb = {}
    for c, (r, i) in pos.items():
        cand = [(r, i - 1), (r, i + 1)]
        if r > 0:
            cand += [(r - 1, i), (r - 1, i + 1)]
        if r < 2:
            cand += [(r + 1, i - 1), (r + 1, i)]
        nb[c] = [QWERTY[rr][ii] for rr, ii in cand if 0 <= ii < len(QWERTY[rr])]
    return nb


NEIGHBOURS = _qwerty_neighbours()


def make_typo(word, rng, letters):
    """One seeded edit; never returns the word itself (unless no edit can change it)."""
    n = len(word)
    for _ in range(20):
        op = rng.randrange(4)
        if op == 0 and n >= 2:  # adjacent swap
            i = rng.randrange(n - 1)
            t = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == 1 and n >= 2:  # deletion
            i = rng.randrange(n)
            t = word[:i] + word[i + 1:]
        elif op == 2:  # insertion of a training letter
            i = rng.randrange(n + 1)
            t = word[:i] + letters[rng.randrange(len(letters))] + word[i:]
        elif op == 3 and n >= 1:  # substitution
            i = rng.randrange(n)
            c = word[i]
            nb = NEIGHBOURS.get(c.lower())
            if nb:
                s = nb[rng.randrange(len(nb))]
                s = s.upper() if c.isupper() else s
            else:
                s = letters[rng.randrange(len(letters))]
            t = word[:i] + s + word[i + 1:]
        else:
            continue
        if t != word:
            return t
    return word


# --------------------------------------------------------------------------- model
class Hybrid(nn.Module):
    def __init__(self, a, n_chars, out_dim):
        super().__init__()
        self.use_rnn, self.use_ng, self.mode, self.cell = not a.no_rnn, not a.no_ngrams, a.ngram_mode, a.cell
        self.branch_dropout = a.branch_dropout
        if self.use_rnn:
            self.emb = nn.Embedding(n_chars, a.char_dim, padding_idx=PAD)
            rnn = nn.LSTM if a.cell == "lstm" else nn.GRU
            self.rnn = rnn(a.char_dim, a.hidden, num_layers=a.layers, bidirectional=True)
            mlp_in = 2 * a.hidden + (a.ngram_dim if (self.use_ng and self.mode == "concat") else 0)
            self.fc1 = nn.Linear(mlp_in, a.mlp_hidden)
            self.fc2 = nn.Linear(a.mlp_hidden, out_dim)
        if self.use_ng:
            gd = a.ngram_dim if (self.mode == "concat" and self.use_rnn) else out_dim
            self.table = nn.EmbeddingBag(a.buckets, gd, mode="mean", sparse=True)
            nn.init.zeros_(self.table.weight)

    def forward(self, chars, lengths, ids, offsets):
        g = self.table(ids, offsets) if self.use_ng else None
        if not self.use_rnn:
            return g
        x = self.emb(chars)
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, h = self.rnn(x)
        if self.cell == "lstm":
            h = h[0]
        rep = torch.cat([h[-2], h[-1]], dim=1)
        if g is not None and self.mode == "concat":
            rep = torch.cat([rep, g], dim=1)
        r = self.fc2(torch.tanh(self.fc1(rep)))
        self.last_r = r
        if g is None or self.mode == "concat":
            return r
        if self.training and self.branch_dropout > 0:  # experimental: some examples train r alone
            keep = (torch.rand(g.shape[0], 1) >= self.branch_dropout).to(g.dtype)
            g = g * keep
        if self.mode == "addnorm":  # experimental: p = r/|r| + g/|g| (branches weigh the same)
            return r / r.norm(dim=1, keepdim=True).clamp_min(1e-8) + g / g.norm(dim=1, keepdim=True).clamp_min(1e-8)
        return r + g


# --------------------------------------------------------------------------- batching
class Encoder:
    def __init__(self, train_words, max_len):
        chars = sorted({c for w in train_words for c in w})
        self.c2i = {c: i + 2 for i, c in enumerate(chars)}
        self.n = len(chars) + 2
        self.max_len = max_len

    def encode(self, w):
        if self.max_len:
            w = w[: self.max_len]
        return [self.c2i.get(c, UNK) for c in w] or [UNK]


class Batcher:
    """A set of words (with target rows); yields batches of one length (exact) or sorted."""

    def __init__(self, words, enc, hasher, mode, tgt=None):
        self.words, self.mode, self.hasher = words, mode, hasher
        encoded = [enc.encode(w) for w in words]
        self.lens = np.array([len(e) for e in encoded])
        self.T = int(self.lens.max())
        self.mat = np.zeros((len(encoded), self.T), np.int64)
        for i, e in enumerate(encoded):
            self.mat[i, : len(e)] = e
        self.by_len = {L: np.nonzero(self.lens == L)[0] for L in np.unique(self.lens)}
        self.tgt = np.arange(len(words)) if tgt is None else np.asarray(tgt)
        self.grams = [hasher(w) for w in words] if hasher is not None else None

    def batches(self, bs, rng=None):
        out = []
        if self.mode == "exact":
            for L, idx in self.by_len.items():
                if rng is not None:
                    idx = rng.permutation(idx)
                out += [idx[i:i + bs] for i in range(0, len(idx), bs)]
        else:
            order = rng.permutation(len(self.lens)) if rng is not None else np.arange(len(self.lens))
            order = order[np.argsort(self.lens[order], kind="stable")]
            out = [order[i:i + bs] for i in range(0, len(order), bs)]
        if rng is not None:
            out = [out[i] for i in rng.permutation(len(out))]
        return out

    def tensors(self, idx):
        lens = self.lens[idx]
        T = int(lens.max())
        chars = torch.from_numpy(np.ascontiguousarray(self.mat[idx, :T].T))
        lt = None if (self.mode == "exact" or lens.min() == T) else torch.from_numpy(lens)
        ids = offs = None
        if self.grams is not None:
            gl = [self.grams[i] for i in idx]
            offs = torch.from_numpy(np.concatenate([[0], np.cumsum([len(g) for g in gl])[:-1]]).astype(np.int64))
            ids = torch.from_numpy(np.concatenate(gl))
        return chars, lt, ids, offs


# --------------------------------------------------------------------------- loss
def loss_fn(a, pred, tgt_idx, targets, gen):
    tgt = targets[tgt_idx]
    if a.loss == "mse":
        return ((pred - tgt) ** 2).sum(1).mean()
    pn = pred / pred.norm(dim=1, keepdim=True).clamp_min(1e-8)
    if a.loss == "contrastive":
        logits = pn @ targets.T / a.temperature
        loss = F.cross_entropy(logits, tgt_idx)
        if a.cos_weight:
            loss = loss + a.cos_weight * (1.0 - (pn * tgt).sum(1)).mean()
        return loss
    pos = (pn * tgt).sum(1)
    neg = torch.randint(0, targets.shape[0], (pred.shape[0], a.neg), generator=gen)
    neg = torch.where(neg == tgt_idx[:, None], (neg + 1) % targets.shape[0], neg)
    negcos = torch.einsum("bd,bkd->bk", pn, targets[neg])
    return torch.relu(a.margin + negcos - pos[:, None]).sum(1).mean()


# --------------------------------------------------------------------------- eval
@torch.no_grad()
def predict(model, b, bs=512):
    model.eval()
    out = None
    for idx in b.batches(bs):
        p = model(*b.tensors(idx))
        if out is None:
            out = torch.empty(len(b.lens), p.shape[1])
        out[torch.from_numpy(idx)] = p
    model.train()
    return out


@torch.no_grad()
def rank_metrics(pred, true_cols, cand):
    """pred (n,D) raw; true_cols (n,) column of the true word in cand (N,D, unit rows)."""
    pn = pred / pred.norm(dim=1, keepdim=True).clamp_min(1e-8)
    ranks, coss = [], []
    for s in range(0, pn.shape[0], 1024):
        sc = pn[s:s + 1024] @ cand.T
        tc = true_cols[s:s + 1024]
        t = sc.gather(1, tc[:, None])
        ranks.append(1 + (sc > t).sum(1))
        coss.append(t[:, 0])
    r = torch.cat(ranks).double()
    c = torch.cat(coss).double()
    return {"n": int(r.numel()), "mean_cos": round(c.mean().item(), 5),
            "median_rank": float(np.median(r.numpy())),
            "hit1": round((r <= 1).double().mean().item(), 5),
            "hit10": round((r <= 10).double().mean().item(), 5),
            "mrr": round((1.0 / r).mean().item(), 5)}


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--holdout-file", required=True)
    ap.add_argument("--max-len", type=int, default=0)
    ap.add_argument("--loss", choices=["contrastive", "mse", "margin"], default="contrastive")
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--cos-weight", type=float, default=0.5)
    ap.add_argument("--margin", type=float, default=0.5)
    ap.add_argument("--neg", type=int, default=10)
    ap.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--char-dim", type=int, default=32)
    ap.add_argument("--mlp-hidden", type=int, default=512)
    ap.add_argument("--buckets", type=int, default=100_000)
    ap.add_argument("--ngram-mode", choices=["add", "addnorm", "concat"], default="add")
    ap.add_argument("--ngram-dim", type=int, default=128, help="table width in concat mode")
    ap.add_argument("--branch-dropout", type=float, default=0.0,
                    help="experimental (not in the spec): in training, drop g for this share of examples")
    ap.add_argument("--aux-weight", type=float, default=0.0,
                    help="experimental: + w * (same loss on r alone), i.e. the BiRNN must predict on its own too")
    ap.add_argument("--subword-weight", type=float, default=0.0,
                    help="fit an MSE bag of n-grams (ngram_baseline.py's settings) and add its unit vector, times "
                         "this weight, to the model's unit prediction at evaluation (charvec's subword head)")
    ap.add_argument("--subword-fit", choices=["ridge", "adam"], default="ridge",
                    help="how the bag is fitted: ridge regression by 16 Jacobi-preconditioned conjugate-gradient "
                         "steps, lambda 0.01 (charvec's default), or Adam on the squared error for 5 epochs")
    ap.add_argument("--subword-folds", type=int, default=0,
                    help="train through the subword head: each training word's unit prediction is blended, in the "
                         "loss, with a bag fitted on the other folds (charvec's --subword-folds); 0 = blend only at evaluation")
    ap.add_argument("--no-rnn", action="store_true")
    ap.add_argument("--no-ngrams", action="store_true")
    ap.add_argument("--lr", type=float, default=1e-3, help="Adam, dense parameters")
    ap.add_argument("--sparse-lr", type=float, default=5e-3, help="SparseAdam, n-gram table")
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--ema", type=float, default=0.0,
                    help="validate with a bias-corrected moving average of the dense weights, decay per step (charvec's --ema)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--bucketing", choices=["exact", "sorted"], default="exact")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--augment", choices=["none", "typos"], default="none")
    ap.add_argument("--typo-rate", type=float, default=0.5)
    ap.add_argument("--typo-min-len", type=int, default=3)
    ap.add_argument("--typo-eval", choices=["end", "every"], default="every",
                    help="typo metrics and the training-sample metrics every epoch or at the end only")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    assert not (a.no_rnn and a.no_ngrams)

    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    rng = np.random.RandomState(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    outf = open(a.out, "a") if a.out else None

    def emit(rec):
        line = json.dumps(rec)
        print(line, flush=True)
        if outf:
            outf.write(line + "\n")
            outf.flush()

    t0 = time.perf_counter()
    tr_words, tr_vecs, reader = read_w2v(a.train)
    tr_words, tr_vecs = dedup(tr_words, tr_vecs)
    ho_words, ho_vecs, _ = read_w2v(a.holdout_file)
    ho_words, ho_vecs = dedup(ho_words, ho_vecs)
    hs = set(ho_words)
    keep = [i for i, w in enumerate(tr_words) if w not in hs]
    tr_words, tr_vecs = [tr_words[i] for i in keep], tr_vecs[keep]
    targets = torch.from_numpy(normalize(tr_vecs))
    ho_t = torch.from_numpy(normalize(ho_vecs))
    cand = torch.cat([targets, ho_t])
    letters = sorted({c for w in tr_words for c in w if c.isalpha()})

    enc = Encoder(tr_words, a.max_len)
    hasher = None if a.no_ngrams else NgramHasher(a.buckets)
    tr_b = Batcher(tr_words, enc, hasher, a.bucketing)
    ho_b = Batcher(ho_words, enc, hasher, a.bucketing)
    model = Hybrid(a, enc.n, targets.shape[1])
    dense = [p for n, p in model.named_parameters() if not n.startswith("table.")]
    opts = []
    if dense:
        opts.append(torch.optim.Adam(dense, lr=a.lr))
    if not a.no_ngrams:
        opts.append(torch.optim.SparseAdam([model.table.weight], lr=a.sparse_lr))

    # evaluation sets
    samp = np.sort(np.random.RandomState(a.seed + 1).permutation(len(tr_words))[:2000])
    samp_b = Batcher([tr_words[i] for i in samp], enc, hasher, a.bucketing)
    samp_cols = torch.from_numpy(samp)
    ho_cols = torch.arange(len(tr_words), len(tr_words) + len(ho_words))
    trng = random.Random(TYPO_EVAL_SEED)
    ho_ty = [(make_typo(w, trng, letters), len(tr_words) + i) for i, w in enumerate(ho_words) if len(w) >= 4]
    tr4 = [i for i, w in enumerate(tr_words) if len(w) >= 4]
    tr4 = sorted(random.Random(TYPO_EVAL_SEED + 1).sample(tr4, min(2000, len(tr4))))
    tr_ty = [(make_typo(tr_words[i], trng, letters), i) for i in tr4]
    hoty_b = Batcher([t for t, _ in ho_ty], enc, hasher, a.bucketing)
    hoty_cols = torch.tensor([c for _, c in ho_ty])
    trty_b = Batcher([t for t, _ in tr_ty], enc, hasher, a.bucketing)
    trty_cols = torch.tensor([c for _, c in tr_ty])
    elig = np.array([i for i, w in enumerate(tr_words) if len(w) >= a.typo_min_len])

    emit({"info": "setup", "torch": torch.__version__, "threads": torch.get_num_threads(),
          "reader": reader, "load_s": round(time.perf_counter() - t0, 2), "train_words": len(tr_words),
          "heldout_words": len(ho_words), "dim": int(targets.shape[1]), "n_chars": enc.n,
          "dense_params": sum(p.numel() for p in dense),
          "table_params": 0 if a.no_ngrams else model.table.weight.numel(),
          "typo_eval_heldout": len(ho_ty), "typo_eval_train": len(tr_ty),
          "letters": "".join(letters), "args": vars(a)})

    bag = None
    offsets = None
    if a.subword_weight > 0:
        tb = time.perf_counter()
        bag_hasher = NgramHasher(min(200_000, max(10_000, 12 * len(tr_words))))
        bag_ids = [bag_hasher(w) for w in tr_words]

        def bag_tensors(lists):
            offs = np.cumsum([0] + [len(x) for x in lists[:-1]])
            return torch.from_numpy(np.concatenate(lists).astype(np.int64)), torch.from_numpy(offs.astype(np.int64))

        def fit_bag(rows, seed, epochs=5):
            """The MSE-fitted bag of n-grams on training rows `rows` (charvec's NgramBaseline.fit with
            the subword head's 5 epochs)."""
            table = torch.nn.EmbeddingBag(bag_hasher.B, targets.shape[1], mode="mean", sparse=True)
            torch.nn.init.normal_(table.weight, std=0.01)
            opt = torch.optim.SparseAdam(table.parameters(), lr=1e-2)
            brng = np.random.RandomState(seed)
            for _ in range(epochs):
                order = rows[brng.permutation(len(rows))]
                for s0 in range(0, len(order), 64):
                    idx = order[s0:s0 + 64]
                    p = table(*bag_tensors([bag_ids[i] for i in idx]))
                    loss = ((p - targets[torch.from_numpy(idx)]) ** 2).sum(1).mean()
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
            return table

        def fit_ridge(rows, seed, lam=0.01, iters=16):
            """Ridge regression of the unit targets on the words' mean gram indicators over the buckets
            they use, min |XW - T|^2 + lam |W|^2, by `iters` steps of conjugate gradients preconditioned
            with diag(X'X) + lam, from W = 0 (charvec's --subword-fit ridge); unused rows keep N(0, 0.01^2)."""
            import scipy.sparse as sp
            torch.manual_seed(seed)
            table = torch.nn.EmbeddingBag(bag_hasher.B, targets.shape[1], mode="mean", sparse=True)
            torch.nn.init.normal_(table.weight, std=0.01)
            ri = np.concatenate([np.full(len(bag_ids[r]), i) for i, r in enumerate(rows)])
            gi = np.concatenate([bag_ids[r] for r in rows])
            wi = np.concatenate([np.full(len(bag_ids[r]), 1.0 / len(bag_ids[r]), np.float32) for r in rows])
            used, col = np.unique(gi, return_inverse=True)
            X = sp.csr_matrix((wi, (ri, col)), shape=(len(rows), len(used)), dtype=np.float32)
            X.sum_duplicates()
            XT = X.T.tocsr()
            T = targets[torch.from_numpy(np.asarray(rows))].numpy()
            minv = (1.0 / (np.asarray(X.multiply(X).sum(0)).ravel() + lam)).astype(np.float32)[:, None]
            W = np.zeros((len(used), T.shape[1]), np.float32)
            R = XT @ T
            P = R * minv
            rz = (R * P).sum(0)
            for _ in range(iters):
                AP = XT @ (X @ P) + lam * P
                alpha = np.where(rz > 0, rz / np.maximum((P * AP).sum(0), 1e-30), 0).astype(np.float32)
                W += P * alpha
                R -= AP * alpha
                nz = (R * R * minv).sum(0)
                P = R * minv + P * np.where(rz > 0, nz / np.maximum(rz, 1e-30), 0).astype(np.float32)
                rz = nz
            with torch.no_grad():
                table.weight[torch.from_numpy(used)] = torch.from_numpy(W)
            return table

        if a.subword_fit == "ridge":
            fit_bag = fit_ridge  # noqa: F811
        bag = fit_bag(np.arange(len(tr_words)), a.seed + 7)
        if a.subword_folds >= 2:
            # Out-of-fold bags: each training word's offset comes from a bag fitted without it.
            fold = np.empty(len(tr_words), np.int64)
            fold[np.random.RandomState(a.seed + 11).permutation(len(tr_words))] = np.arange(len(tr_words)) % a.subword_folds
            offsets = torch.zeros_like(targets)
            for f in range(a.subword_folds):
                held = np.nonzero(fold == f)[0]
                table = fit_bag(np.nonzero(fold != f)[0], a.seed + 7 + f)
                with torch.no_grad():
                    b = table(*bag_tensors([bag_ids[i] for i in held]))
                    offsets[torch.from_numpy(held)] = a.subword_weight * b / b.norm(dim=1, keepdim=True).clamp_min(1e-12)
        emit({"info": "subword head", "fit_s": round(time.perf_counter() - tb, 1), "buckets": bag_hasher.B,
              "folds": a.subword_folds})

    @torch.no_grad()
    def blended(pred, words):
        if bag is None:
            return pred
        b = bag(*bag_tensors([bag_hasher(w) for w in words]))
        unit = lambda m: m / m.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return unit(pred) + a.subword_weight * unit(b)

    # Weight average (--ema): sum <- b*sum + (1-b)*w after every step; validated as sum / (1 - b^t).
    ema = {"t": 0, "sum": [torch.zeros_like(p) for p in dense]} if a.ema > 0 else None

    def step(b, idx):
        chars, lt, ids, offs = b.tensors(idx)
        pred = model(chars, lt, ids, offs)
        ti = torch.from_numpy(b.tgt[idx])
        if offsets is not None:  # training through the subword head
            pred = pred / pred.norm(dim=1, keepdim=True).clamp_min(1e-12) + offsets[ti]
        loss = loss_fn(a, pred, ti, targets, gen)
        if a.aux_weight and model.use_rnn and model.use_ng:
            loss = loss + a.aux_weight * loss_fn(a, model.last_r, ti, targets, gen)
        for o in opts:
            o.zero_grad(set_to_none=True)
        loss.backward()
        if dense and a.clip > 0:
            torch.nn.utils.clip_grad_norm_(dense, a.clip)
        for o in opts:
            o.step()
        if ema is not None:
            with torch.no_grad():
                for acc, p in zip(ema["sum"], dense):
                    acc.mul_(a.ema).add_(p, alpha=1 - a.ema)
            ema["t"] += 1
        return loss.item()

    def evaluate(rec, typos):
        te = time.perf_counter()
        raw = None
        if ema is not None and ema["t"] > 0:
            raw = [p.detach().clone() for p in dense]
            with torch.no_grad():
                for acc, p in zip(ema["sum"], dense):
                    p.copy_(acc / (1 - a.ema ** ema["t"]))
        for k, v in rank_metrics(blended(predict(model, ho_b), ho_words), ho_cols, cand).items():
            rec["heldout_" + k] = v
        if typos:
            for k, v in rank_metrics(blended(predict(model, samp_b), [tr_words[i] for i in samp]), samp_cols, cand).items():
                rec["trainsample_" + k] = v
            m = rank_metrics(blended(predict(model, hoty_b), [t for t, _ in ho_ty]), hoty_cols, cand)
            rec["typo_heldout_hit10"], rec["typo_heldout_mrr"] = m["hit10"], m["mrr"]
            m = rank_metrics(blended(predict(model, trty_b), [t for t, _ in tr_ty]), trty_cols, cand)
            rec["typo_train_hit10"], rec["typo_train_mrr"] = m["hit10"], m["mrr"]
        if raw is not None:
            with torch.no_grad():
                for r, p in zip(raw, dense):
                    p.copy_(r)
        rec["eval_s"] = round(time.perf_counter() - te, 2)

    rec = {"epoch": 0}
    evaluate(rec, a.typo_eval == "every")
    rec["elapsed_s"] = round(time.perf_counter() - t0, 1)
    emit(rec)
    train_total = 0.0
    for ep in range(1, a.epochs + 1):
        b = tr_b
        if a.augment == "typos" and a.typo_rate > 0:
            erng = random.Random(a.seed * 1000003 + ep)
            pick = sorted(erng.sample(list(elig), int(round(a.typo_rate * len(elig)))))
            extra = [make_typo(tr_words[i], erng, letters) for i in pick]
            b = Batcher(tr_words + extra, enc, hasher, a.bucketing,
                        tgt=np.concatenate([np.arange(len(tr_words)), np.asarray(pick, np.int64)]))
            if hasher is not None:
                for w in extra:  # typo grams are not worth keeping in the cache
                    hasher.cache.pop(w, None)
        tot, n, ttrain = 0.0, 0, 0.0
        for idx in b.batches(a.batch, rng):
            ts = time.perf_counter()
            l = step(b, idx)
            ttrain += time.perf_counter() - ts
            tot += l * len(idx)
            n += len(idx)
        train_total += ttrain
        rec = {"epoch": ep, "train_loss": round(tot / n, 6), "examples": n,
               "words_per_sec": round(n / ttrain, 1), "train_s": round(ttrain, 2),
               "train_total_s": round(train_total, 1), "loadavg1": os.getloadavg()[0]}
        evaluate(rec, a.typo_eval == "every" or ep == a.epochs)
        rec["elapsed_s"] = round(time.perf_counter() - t0, 1)
        emit(rec)
        if not np.isfinite(tot):
            emit({"info": "stopping: non-finite loss"})
            break


if __name__ == "__main__":
    main()
