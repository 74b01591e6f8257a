#!/usr/bin/python3
"""The arithmetic a `netprobe study` needs, for its FLOP limit (bench/study_vs_peer.sh).

Per model (784-64-2 MLP, 10 epochs): training needs the forward pass and the weight gradients,
2 * 2 * (784*64 + 64*2) + 2*64*2 FLOP per training image and epoch (no input gradient). Of the
1575 default rows, 1405 are distinct networks (the rest equal one of them by construction and are
evaluated once: probes/sweep.cpp); each needs 2*64 FLOP per stored test pixel (the sparse-input
kernel skips the background) plus 2*64*2 per test image for the second layer. 638 of the 1405
have a signed first layer (0 and ±a), whose multiply-adds are u8 x s8 integer ones
(models/ternary_first_layer.h): they count --int-weight times an fp32 one, the ratio of this
CPU's fp32 and int8 multiply-add rates (bench_probes BM_MacPeak; study_vs_peer.sh measures it).
--before-savings counts every row as an fp32 evaluation (the limit as the last issue stated it).
Standard library only; reads the IDX files under --data-dir.
"""
import argparse
import gzip
import os
import struct
import sys

DEFAULT_TASKS = [("mnist", (7, 9)), ("mnist", (0, 7)), ("fashion-mnist", (3, 1)), ("fashion-mnist", (3, 2))]
EPOCHS, HIDDEN = 10, 64
ROWS = 1575  # evaluations a model's rows describe
# Distinct networks among them and those with a signed first layer, as the sweep engine counted
# them on mnist-7v9 seed 0: the duplicates are signed shuffles B, E, F (= the binarized network,
# 15), signed prune-shuffle B (= signed magnitude pruning, 115) and level-0 variants (= the intact
# or binarized network, 40); of the 789 signed rows and binarizations, 638 are distinct.
DISTINCT, SIGNED_DISTINCT = 1405, 638


def read_idx(data_dir, dataset, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(data_dir, dataset, name)
        if os.path.exists(path):
            with (gzip.open if name.endswith(".gz") else open)(path, "rb") as f:
                data = f.read()
            dims = data[3]
            return data[4 + 4 * dims:]
    sys.exit(f"{data_dir}/{dataset}: no {stem}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--all-mnist-pairs", action="store_true", help="the 45 MNIST pairs instead of the defaults")
    parser.add_argument("--data-dir", default=os.environ.get("NETPROBE_DATA", os.path.join(here, "..", "data")))
    parser.add_argument("--int-weight", type=float, default=0.25,
                        help="cost of an int8 multiply-add in fp32 ones (default: AVX-512 VNNI's 4 per fp32 FMA)")
    parser.add_argument("--before-savings", action="store_true", help="every row an fp32 evaluation")
    args = parser.parse_args()
    tasks = [("mnist", (a, b)) for a in range(10) for b in range(a + 1, 10)] if args.all_mnist_pairs else DEFAULT_TASKS
    per_image_train = 2 * 2 * (784 * HIDDEN + HIDDEN * 2) + 2 * HIDDEN * 2
    total, loaded = 0, {}
    for dataset, classes in tasks:
        if dataset not in loaded:
            loaded[dataset] = (read_idx(args.data_dir, dataset, "train-labels-idx1-ubyte"),
                               read_idx(args.data_dir, dataset, "t10k-images-idx3-ubyte"),
                               read_idx(args.data_dir, dataset, "t10k-labels-idx1-ubyte"))
        train_labels, test_images, test_labels = loaded[dataset]
        n_train = sum(1 for label in train_labels if label in classes)
        test = [i for i, label in enumerate(test_labels) if label in classes]
        stored = sum(784 - test_images[i * 784:(i + 1) * 784].count(0) for i in test)
        first, second = 2 * HIDDEN * stored, len(test) * 2 * HIDDEN * 2  # FLOP of one evaluation's layers
        if args.before_savings:
            evaluations = ROWS * (first + second)
        else:
            evaluations = ((DISTINCT - SIGNED_DISTINCT) * (first + second) +
                           SIGNED_DISTINCT * (args.int_weight * first + second))
        total += n_train * EPOCHS * per_image_train + evaluations
    print(f"{total * args.seeds / 1e12:.3f}")


if __name__ == "__main__":
    main()
