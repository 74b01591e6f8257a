#!/usr/bin/python3
"""The models the compression benchmarks run on, none of them written for netprobe: torchvision's
resnet18 and mobilenet_v2 (inputs 3x32x32: MNIST padded to 32 and repeated over 3 channels), an
nn.TransformerEncoder (2 layers, d_model 64, 4 heads; the image's 28 rows as tokens) and an nn.LSTM
classifier (the rows as a sequence), each trained briefly on all ten MNIST digits and exported as
TorchScript, with test sets of 500 and 10,000 images (torch.save({"x", "y"})).

    /usr/bin/python3 bench/models/make_models.py --data-dir data/mnist --out /tmp/zoo [--models resnet18,lstm]

Writes OUT/<name>/model.pt, test.pt (500 images), test10k.pt. Needs Debian's python3-torch and
python3-torchvision. Seeded: the same files every time on one machine.
"""
import argparse
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "examples"))
from cnn_mnist import load_split  # noqa: E402  (the example's IDX reader and scaling)


def as_rgb32(x):
    """[n, 1, 28, 28] -> [n, 3, 32, 32]: padded by 2, the channel repeated."""
    return nn.functional.pad(x, (2, 2, 2, 2), value=-1.0).repeat(1, 3, 1, 1)


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(28, 64)
        layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.encoder(self.embed(x.flatten(1, 2))).mean(1))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 64, batch_first=True)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        out, _ = self.lstm(x.flatten(1, 2))
        return self.fc(out[:, -1])


def make(name):
    import torchvision
    if name == "resnet18":
        return torchvision.models.resnet18(num_classes=10), as_rgb32
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(num_classes=10), as_rgb32
    if name == "transformer":
        return Transformer(), lambda x: x
    if name == "lstm":
        return Lstm(), lambda x: x
    sys.exit(f"unknown model {name}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--models", default="resnet18,mobilenet_v2,transformer,lstm")
    p.add_argument("--train", type=int, default=12000, help="training images (one epoch)")
    a = p.parse_args()
    torch.set_num_threads(2)
    classes = list(range(10))
    train_x, train_y = load_split(a.data_dir, "train", classes)
    test_x, test_y = load_split(a.data_dir, "t10k", classes)
    for name in a.models.split(","):
        torch.manual_seed(0)
        model, shape = make(name)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        order = torch.randperm(len(train_x))[: a.train]
        start = time.time()
        model.train()
        for i in range(0, len(order), 64):
            batch = order[i : i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(shape(train_x[batch])), train_y[batch])
            loss.backward()
            opt.step()
        model.eval()
        os.makedirs(os.path.join(a.out, name), exist_ok=True)
        scripted = torch.jit.script(model)
        scripted.save(os.path.join(a.out, name, "model.pt"))
        for file, n in (("test.pt", 500), ("test10k.pt", 10000)):
            torch.save({"x": shape(test_x[:n]).contiguous(), "y": test_y[:n]}, os.path.join(a.out, name, file))
        with torch.no_grad():
            acc = (scripted(shape(test_x[:500])).argmax(1) == test_y[:500]).float().mean().item()
        params = sum(t.numel() for t in model.parameters())
        print(f"{name}: {params} parameters, trained {time.time() - start:.0f}s, accuracy on 500 test images {100 * acc:.1f}%")


if __name__ == "__main__":
    main()
