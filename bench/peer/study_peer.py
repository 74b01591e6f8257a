#!/usr/bin/python3
"""The eager PyTorch peer of `netprobe study` for bench/study_vs_peer.sh: the same work, written
as a researcher would in plain PyTorch, one evaluation at a time.

Per task and seed: train the protocol MLP (784-64-2, ReLU, Adam lr 0.01, cosine over 10 epochs,
batch 128, test accuracy after each epoch), then run netprobe's default evaluation list, 1575
evaluations: magnitude/random/largest pruning, binarization, uniform noise, smallest/random/
largest sign flips, shuffles A-G and prune-then-shuffle A, B, with netprobe's grids, draws and
full + signed modes. Writes one CSV row per evaluation. It draws no figures (netprobe's time
includes its report). Not part of netprobe; needs Debian's python3-torch.

A timing peer: its random streams differ from netprobe's, so its accuracies are not expected to
match row by row, and single models can differ a lot: on mnist-7v9 this peer's seed 0 stalled at
96.4 % training accuracy (binarized 94.6 %), its seed 1 reached 99.1 %, as netprobe's models do
(99.3 %, binarized 49.9 %). Compare seed medians, never single models.
Shuffle G is a pure-Python loop here (about 3.7 s per draw, 74 s of a 1-seed run): --skip-g leaves
its draws out (their rows are not written), for the ratio on the work both tools do well.
"""
import argparse
import math
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "examples"))
from cnn_mnist import read_idx  # noqa: E402  (the IDX reader of the CNN example)

TASKS = [("mnist", (0, 7)), ("mnist", (7, 9)), ("fashion-mnist", (3, 2)), ("fashion-mnist", (3, 1))]
PRUNE_GRID = [0, .1, .2, .3, .35, .4, .45, .5, .55, .6, .65, .7, .75, .8, .85, .9, .95, .96, .97, .98, .99, .995,
              .999]
NOISE_GRID = [2.0 ** (-10 + 10 * i / 29) for i in range(30)]
FLIP_GRID = [i / 29 for i in range(30)]


def load(data_dir, dataset, prefix, classes):
    def path(stem):
        for name in (stem, stem + ".gz"):
            p = os.path.join(data_dir, dataset, name)
            if os.path.exists(p):
                return p
        sys.exit(f"{data_dir}/{dataset}: no {stem}")
    images = read_idx(path(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(path(f"{prefix}-labels-idx1-ubyte")).long()
    keep = (labels == classes[0]) | (labels == classes[1])
    x = ((images[keep].float() / 255 - 0.5) / 0.5).reshape(-1, 784)
    return x, (labels[keep] == classes[1]).long()


def train(x, y, x_test, y_test, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 2), nn.LogSoftmax(1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(10):
        order = torch.randperm(len(x))
        for s in range(0, len(x), 128):
            b = order[s:s + 128]
            opt.zero_grad()
            nn.functional.nll_loss(model(x[b]), y[b]).backward()
            opt.step()
        sched.step()
        with torch.no_grad():
            (model(x_test).argmax(1) == y_test).float().mean()
    return model


def pick(w, k, how, gen):
    flat = w.reshape(-1)
    if k <= 0:
        return torch.empty(0, dtype=torch.long)
    if how == "random":
        return torch.randperm(flat.numel(), generator=gen)[:k]
    return flat.abs().topk(k, largest=how == "largest").indices


def prune(w, p, how, gen):
    n = w.numel()
    out = w.clone().reshape(-1)
    out[pick(w, n - math.floor((1 - p) * n + 1e-9), how, gen)] = 0
    return out.reshape(w.shape)


def flip(w, q, how, gen):
    out = w.clone().reshape(-1)
    idx = pick(w, math.floor(q * w.numel() + 1e-9), how, gen)
    out[idx] = -out[idx]
    return out.reshape(w.shape)


def noise(w, a, gen):
    return w + (torch.rand(w.shape, generator=gen) * 2 * a - a) * (w != 0)


def shuffle(w, variant, gen):
    m = w.unsqueeze(1) if w.dim() == 1 else w
    out = m.clone()
    rows, cols = (m != 0).nonzero(as_tuple=True)
    vals = m[rows, cols]
    if variant in "AB":
        groups = [torch.ones_like(vals, dtype=torch.bool)] if variant == "A" else [vals > 0, vals < 0]
    elif variant == "G":  # degree-preserving switching of positive edges, 10 attempts per edge
        pos = [(int(r), int(c)) for r, c in zip(*(m > 0).nonzero(as_tuple=True))]
        for _ in range(10 * len(pos)):
            i, j = torch.randint(len(pos), (2,), generator=gen).tolist()
            (u1, v1), (u2, v2) = pos[i], pos[j]
            if u1 == u2 or v1 == v2 or not (out[u1, v2] < 0 and out[u2, v1] < 0):
                continue
            out[u1, v1], out[u1, v2] = out[u1, v2].clone(), out[u1, v1].clone()
            out[u2, v2], out[u2, v1] = out[u2, v1].clone(), out[u2, v2].clone()
            pos[i], pos[j] = (u1, v2), (u2, v1)
        return out.reshape(w.shape)
    else:
        node = cols if variant in "CE" else rows
        keys = node * 2 + (vals > 0).long() if variant in "EF" else node
        groups = [keys == k for k in keys.unique()]
    for g in groups:
        idx = g.nonzero().squeeze(1)
        perm = idx[torch.randperm(len(idx), generator=gen)]
        out[rows[idx], cols[idx]] = vals[perm]
    return out.reshape(w.shape)


def evaluation_list(draws, skip_g=False):
    """(probe, variant, level, draw, modes) in netprobe's default order and counts (shuffle G left
    out with skip_g)."""
    out = []
    for variant, d in (("magnitude", 1), ("random", draws), ("largest", 1)):
        out += [("prune", variant, p, k, ("full", "signed")) for p in PRUNE_GRID for k in range(d)]
    out += [("binarize", v, 0, 0, ("full",)) for v in ("sign", "scaled")]
    out += [("noise", "uniform", a, k, ("full", "signed")) for a in NOISE_GRID for k in range(draws)]
    for variant, d in (("smallest", 1), ("random", draws), ("largest", 1)):
        out += [("flip", variant, q, k, ("full", "signed")) for q in FLIP_GRID for k in range(d)]
    out += [("shuffle", v, 0, k, ("full", "signed")) for v in ("ABCDEF" if skip_g else "ABCDEFG") for k in range(draws)]
    out += [("prune-shuffle", v, p, k, ("full", "signed")) for v in "AB" for p in PRUNE_GRID for k in range(draws)]
    return out


def perturb(params, probe, variant, level, gen):
    out = {}
    for name, w in params.items():
        bias = name.endswith("bias")
        if probe == "prune":
            out[name] = prune(w, level, {"magnitude": "smallest"}.get(variant, variant), gen)
        elif probe == "binarize":
            out[name] = w.sign() * (w.abs().mean() if variant == "scaled" else 1)
        elif probe == "noise":
            out[name] = noise(w, level, gen)
        elif probe == "flip":
            out[name] = flip(w, level, variant, gen)
        elif probe == "shuffle":
            out[name] = w if bias else shuffle(w, variant, gen)
        else:  # prune-shuffle
            pruned = prune(w, level, "smallest", gen)
            out[name] = pruned if bias else shuffle(pruned, variant, gen)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data-dir", default=os.path.join(here, "..", "..", "data"))
    parser.add_argument("--out", required=True, help="CSV of every evaluation")
    parser.add_argument("--skip-g", action="store_true", help="leave out shuffle G (a pure-Python loop here)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.time()
    lines = ["task,seed,probe,variant,mode,level,draw,accuracy"]
    for dataset, classes in TASKS:
        x, y = load(args.data_dir, dataset, "train", classes)
        x_test, y_test = load(args.data_dir, dataset, "t10k", classes)
        task = f"{dataset}-{classes[0]}v{classes[1]}"
        for seed in range(args.seeds):
            model = train(x, y, x_test, y_test, seed)
            params = {k: v.detach().clone() for k, v in model.state_dict().items()}
            gen = torch.Generator().manual_seed(seed)
            with torch.no_grad():
                acc = (model(x_test).argmax(1) == y_test).float().mean().item() * 100
                lines.append(f"{task},{seed},none,-,full,0,0,{acc}")
                for probe, variant, level, draw, modes in evaluation_list(args.draws, args.skip_g):
                    probed = perturb(params, probe, variant, level, gen)
                    for mode in modes:
                        model.load_state_dict({k: (v.sign() if mode == "signed" else v) for k, v in probed.items()})
                        acc = (model(x_test).argmax(1) == y_test).float().mean().item() * 100
                        lines.append(f"{task},{seed},{probe},{variant},{mode},{level},{draw},{acc}")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"peer: {len(lines) - 1} evaluations, {time.time() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
