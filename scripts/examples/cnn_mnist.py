#!/usr/bin/python3
"""Trains a small CNN on MNIST with PyTorch and exports what `netprobe probe` and
`netprobe compress` read: the model as TorchScript and the test set as torch.save({"x", "y"}).

    /usr/bin/python3 scripts/examples/cnn_mnist.py --classes 7,9 --out /tmp/cnn
    netprobe compress --model /tmp/cnn/model.pt --data /tmp/cnn/test.pt --out results/cnn

Needs Debian's python3-torch (apt-get install python3-torch); netprobe itself does not.
Images are scaled as netprobe scales them, (x / 255 - 0.5) / 0.5, shaped [n, 1, 28, 28].
"""
import argparse
import gzip
import os
import struct
import sys

import torch
from torch import nn


def read_idx(path):
    """An IDX file (raw or .gz) as a uint8 tensor of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8)
    return body.reshape(shape)


def load_split(data_dir, prefix, classes):
    def find(stem):
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(data_dir, name)):
                return os.path.join(data_dir, name)
        sys.exit(f"{data_dir}: no {stem}[.gz]; run data/fetch.sh")

    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte")).long()
    keep = torch.zeros_like(labels, dtype=torch.bool)
    new_labels = torch.zeros_like(labels)
    for position, c in enumerate(classes):
        keep |= labels == c
        new_labels[labels == c] = position
    x = (images[keep].float() / 255 - 0.5) / 0.5
    return x.unsqueeze(1), new_labels[keep]


class SmallCnn(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(16 * 5 * 5, classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", default="7,9", help="original class ids, e.g. 7,9 or 0,1,...,9")
    parser.add_argument("--data-dir", default=os.path.join(here, "..", "..", "data", "mnist"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-limit", type=int, default=0, help="use only the first N training images")
    parser.add_argument("--test-limit", type=int, default=0, help="export only the first N test images")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="directory for model.pt and test.pt")
    args = parser.parse_args()

    classes = [int(c) for c in args.classes.split(",")]
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    x_train, y_train = load_split(args.data_dir, "train", classes)
    x_test, y_test = load_split(args.data_dir, "t10k", classes)
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    if args.test_limit:
        x_test, y_test = x_test[:args.test_limit], y_test[:args.test_limit]

    model = SmallCnn(len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 128):
            batch = order[start:start + 128]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item() * 100

    os.makedirs(args.out, exist_ok=True)
    torch.jit.script(model).save(os.path.join(args.out, "model.pt"))
    torch.save({"x": x_test, "y": y_test}, os.path.join(args.out, "test.pt"))
    print(f"{args.out}: CNN on MNIST classes {classes}, test accuracy {accuracy:.2f}% ({len(y_test)} images)")


if __name__ == "__main__":
    main()
