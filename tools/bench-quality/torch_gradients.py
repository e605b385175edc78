#!/usr/bin/env python3
"""Writes the PyTorch side of NeuralNetTests/PyTorchGradientTests: small Mimick models (the
reference's architecture: Embedding -> bidirectional LSTM/GRU -> Linear -> tanh -> Linear) with
seeded weights, one batch of words of mixed lengths (packed, as the reference does for unequal
lengths), unit-norm targets, the reference's MSE loss (squared error summed over dimensions,
averaged over words), and every parameter's gradient, all in charvec's parameter layout.

    /tmp/torchenv/bin/python tools/bench-quality/torch_gradients.py Tests/Corpus/pytorch

charvec's layout differs from PyTorch's only in orientation and biases: weights are stored
input-major (`W[in x out]`, PyTorch's transposed); the recurrent layers keep one bias per gate
(PyTorch's b_ih + b_hh, whose gradients are equal), except the GRU's new gate, whose b_hn stays
separate (`recurrentNewBias`) because it sits inside r * (W_hn h + b_hn).
"""
import json
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.set_default_dtype(torch.float64)  # the fixture is exact; the test compares float32 against it


def case(cell, layers, seed):
    g = torch.Generator().manual_seed(seed)
    V, D, H, M, O = 9, 3, 4, 5, 6
    emb = nn.Embedding(V, D, padding_idx=0)
    rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(D, H, num_layers=layers, bidirectional=True)
    fc1, fc2 = nn.Linear(2 * H, M), nn.Linear(M, O)
    with torch.no_grad():
        for p in list(emb.parameters()) + list(rnn.parameters()) + list(fc1.parameters()) + list(fc2.parameters()):
            p.copy_(torch.rand(p.shape, generator=g) * 1.2 - 0.6)
        emb.weight[0].zero_()
    words = [[2, 3, 4], [5], [6, 7, 8, 2, 3, 1], [4, 4], [8, 7, 6, 5, 4], [3, 2, 1, 5]]
    lengths = torch.tensor([len(w) for w in words])
    T = int(lengths.max())
    ids = torch.zeros(T, len(words), dtype=torch.long)
    for b, w in enumerate(words):
        ids[: len(w), b] = torch.tensor(w)
    targets = torch.randn(len(words), O, generator=g)
    targets = targets / targets.norm(dim=1, keepdim=True)
    _, h = rnn(pack_padded_sequence(emb(ids), lengths, enforce_sorted=False))
    if cell == "lstm":
        h = h[0]
    pred = fc2(torch.tanh(fc1(torch.cat([h[-2], h[-1]], dim=1))))
    loss = ((pred - targets) ** 2).sum(1).mean()
    loss.backward()

    G = (4 if cell == "lstm" else 3) * H
    values, grads = {}, {}

    def put(name, value, grad):
        values[name] = value.detach().reshape(-1).tolist()
        grads[name] = grad.detach().reshape(-1).tolist()

    put("embedding.table", emb.weight, emb.weight.grad)
    for layer in range(layers):
        for direction, suffix in (("forward", ""), ("reverse", "_reverse")):
            p = lambda kind: getattr(rnn, f"{kind}_l{layer}{suffix}")
            prefix = f"rnn{layer}.{direction}"
            put(f"{prefix}.inputWeight", p("weight_ih").t(), p("weight_ih").grad.t())
            put(f"{prefix}.recurrentWeight", p("weight_hh").t(), p("weight_hh").grad.t())
            bias = p("bias_ih").detach().clone()
            summed = G if cell == "lstm" else 2 * H
            bias[:summed] += p("bias_hh").detach()[:summed]
            put(f"{prefix}.bias", bias, p("bias_ih").grad)
            if cell == "gru":
                put(f"{prefix}.recurrentNewBias", p("bias_hh")[2 * H:], p("bias_hh").grad[2 * H:])
    put("mlp.hidden.weight", fc1.weight.t(), fc1.weight.grad.t())
    put("mlp.hidden.bias", fc1.bias, fc1.bias.grad)
    put("mlp.output.weight", fc2.weight.t(), fc2.weight.grad.t())
    put("mlp.output.bias", fc2.bias, fc2.bias.grad)
    return {"cell": cell, "layers": layers, "vocabularySize": V, "characterDimensions": D, "hiddenSize": H,
            "mlpHiddenSize": M, "outputDimensions": O, "words": words, "targets": targets.reshape(-1).tolist(),
            "loss": loss.item(), "parameters": values, "gradients": grads, "torch": torch.__version__}


out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Corpus/pytorch"
os.makedirs(out, exist_ok=True)
for cell in ("lstm", "gru"):
    for layers in (1, 2):
        path = os.path.join(out, f"gradients-{cell}-{layers}layer.json")
        with open(path, "w") as f:
            json.dump(case(cell, layers, seed=7 * layers + (cell == "gru")), f)
        print("wrote", path)
