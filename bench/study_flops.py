#!/usr/bin/python3
"""The arithmetic a `netprobe study` needs, for its FLOP limit (bench/study_vs_peer.sh).

Per model (784-64-2 MLP, 10 epochs): training needs the forward pass and the weight gradients,
2 * 2 * (784*64 + 64*2) + 2*64*2 FLOP per training image and epoch (no input gradient); each of
the 1575 default evaluations needs 2*64 multiply-adds per stored test pixel (the sparse-input
kernel skips the background) plus 2*64*2 per test image for the second layer. Standard library
only; reads the IDX files under --data-dir.
"""
import argparse
import gzip
import os
import struct
import sys

DEFAULT_TASKS = [("mnist", (7, 9)), ("mnist", (0, 7)), ("fashion-mnist", (3, 1)), ("fashion-mnist", (3, 2))]
EPOCHS, EVALUATIONS, HIDDEN = 10, 1575, 64


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
        total += n_train * EPOCHS * per_image_train + EVALUATIONS * (2 * HIDDEN * stored + len(test) * 2 * HIDDEN * 2)
    print(f"{total * args.seeds / 1e12:.3f}")


if __name__ == "__main__":
    main()
