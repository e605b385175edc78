#!/usr/bin/env python3
"""Writes the PyTorch side of NeuralNetTests/ContrastiveLossTests.testMatchesPyTorch: the contrastive
loss of tools/bench-quality/hybrid_ref.py (cross-entropy of the cosines to every unit target over τ,
plus λ·(1 − cos to the own target)) and its gradient for the predictions, in double precision, for
several (τ, λ) settings, including a zero prediction row and a table of more than 64 rows.

    /tmp/torchenv/bin/python tools/bench-quality/torch_contrastive.py Tests/Corpus/pytorch/contrastive-loss.json
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(11)
B, N, D = 5, 70, 9
cases = []
for tau, lam in [(0.05, 0.0), (0.03, 0.5), (1.0, 2.0)]:
    table = torch.randn(N, D, generator=g)
    table = table / table.norm(dim=1, keepdim=True)
    pred = torch.randn(B, D, generator=g) * 0.7
    pred[3] = 0.0  # a zero prediction: finite loss, zero gradient through the clamped norm
    positives = torch.randint(0, N, (B,), generator=g)
    p = pred.clone().requires_grad_(True)
    pn = p / p.norm(dim=1, keepdim=True).clamp_min(1e-8)
    loss = F.cross_entropy(pn @ table.T / tau, positives) + lam * (1.0 - (pn * table[positives]).sum(1)).mean()
    loss.backward()
    cases.append({"temperature": tau, "cosineWeight": lam, "rows": B, "count": N, "dimensions": D,
                  "table": table.flatten().tolist(), "predictions": pred.flatten().tolist(),
                  "positives": positives.tolist(), "loss": loss.item(), "gradient": p.grad.flatten().tolist()})
with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
