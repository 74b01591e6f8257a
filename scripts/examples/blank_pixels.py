#!/usr/bin/python3
"""Why binarization and magnitude pruning hurt MNIST 7 vs 9 under the (x/255 - 0.5)/0.5 scaling:
the pixels that are blank in (almost) every image feed every hidden unit a constant -1. Reads the
first-layer weights of a study's models (weights.pt) and the MNIST test images, and prints, per
model: the blank pixels' summed term of the binarized first layer against the spread of the
image-dependent term, how many hidden units are active per image, the weights' mean |w| on blank
pixels and elsewhere, and the share of blank-pixel weights among those magnitude pruning removes.

    /usr/bin/python3 scripts/examples/blank_pixels.py STUDY_DIR TASK [--data-dir data/mnist]
    e.g. STUDY_DIR from: netprobe study --pairs mnist-7v9,mnist-7v9-unit --seeds 5 --out STUDY_DIR

Needs Debian's python3-torch (weights.pt is a torch.save'd list: format tag, names, tensors, hash).
"""
import argparse
import glob
import os
import struct

import numpy as np
import torch


def idx(path):
    data = open(path, "rb").read()
    dims = struct.unpack(">" + "I" * data[3], data[4 : 4 + 4 * data[3]])
    return np.frombuffer(data[4 + 4 * data[3] :], dtype=np.uint8).reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("study")
    ap.add_argument("task", help="a task id of the study, e.g. mnist-7v9 or mnist-7v9-unit")
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist"))
    a = ap.parse_args()
    name = a.task[: -len("-unit")] if a.task.endswith("-unit") else a.task
    classes = [int(c) for c in name.split("-")[-1].split("v")]
    images = idx(os.path.join(a.data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32)
    labels = idx(os.path.join(a.data_dir, "t10k-labels-idx1-ubyte"))
    x = torch.tensor(images[np.isin(labels, classes)]) / 255
    blank = (x == 0).float().mean(0) >= 0.99
    if not a.task.endswith("-unit"):
        x = (x - 0.5) / 0.5
    print(f"{a.task}: {int(blank.sum())} of 784 pixels blank in >= 99 % of the {x.shape[0]} test images")
    models = sorted(glob.glob(os.path.join(a.study, "models", a.task, "seed*")))
    if not models:
        raise SystemExit(f"{a.study}: no models of task {a.task}")
    for model in models:
        record = torch.load(os.path.join(model, "weights.pt"))  # format tag, names, tensors[, content hash]
        p = dict(zip(record[1], record[2]))
        w, b = p["fc1.weight"], p["fc1.bias"]
        s = w.sign()
        constant = x[:, blank] @ s[:, blank].t()
        varying = x[:, ~blank] @ s[:, ~blank].t()
        active_bin = ((x @ s.t() + b.sign()) > 0).float().sum(1).mean()
        active_full = ((x @ w.t() + b) > 0).float().sum(1).mean()
        kept = w.abs() > w.abs().flatten().kthvalue(int(0.6 * w.numel())).values
        removed_blank = (~kept[:, blank]).float().mean()
        removed_other = (~kept[:, ~blank]).float().mean()
        print(
            f"  {os.path.basename(model)[:6]}: binarized blank-pixel term |mean| {constant.abs().mean():.1f}, "
            f"image-dependent sd {varying.std(0).mean():.1f}; active units per image binarized "
            f"{active_bin:.1f}, full {active_full:.1f} of {w.shape[0]}; mean |w| blank {w[:, blank].abs().mean():.3f}, "
            f"other {w[:, ~blank].abs().mean():.3f}; magnitude pruning p = 0.6 removes {100 * removed_blank:.0f} % "
            f"of blank-pixel weights, {100 * removed_other:.0f} % of the others"
        )


if __name__ == "__main__":
    main()
