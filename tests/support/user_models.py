"""Test fixtures: a transformer encoder layer, an LSTM and a small residual conv net (in-place
ReLUs, batch norm, a downsampling shortcut, as torchvision's ResNet writes them) as TorchScript, with torch.save
test sets whose labels are the models' own predictions (so the intact accuracy is 100 %).
Usage: python3 user_models.py DIR"""
import sys

import torch
import torch.nn as nn


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 16)
        self.encoder = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.encoder(self.emb(x.long())).mean(1))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)) \
            if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        identity = self.down(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1), nn.BatchNorm2d(4), nn.ReLU(inplace=True))
        self.layer1 = nn.Sequential(Block(4, 4, 1), Block(4, 8, 2))
        self.scale = nn.Parameter(torch.ones(8))
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = self.layer1(self.stem(x))
        h = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        h *= self.scale  # an in-place write into the value entering the cut at self.scale
        return self.fc(h)


def main(out):
    torch.manual_seed(0)
    inputs = {"transformer": torch.randint(0, 10, (120, 6)).float(), "lstm": torch.randn(120, 5, 4),
              "residual": torch.randn(120, 1, 8, 8)}
    for name, model in [("transformer", Transformer()), ("lstm", Lstm()), ("residual", Residual())]:
        # PyTorch starts biases at 0 and norm scales at 1, which sign() leaves as they are: a test
        # could not see them probed. A little noise on every parameter makes every probe visible.
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.1 * torch.randn_like(p))
        scripted = torch.jit.script(model.eval())
        scripted.save(f"{out}/{name}.pt")
        with torch.no_grad():
            labels = scripted(inputs[name]).argmax(1)
        torch.save({"x": inputs[name], "y": labels}, f"{out}/{name}_test.pt")


if __name__ == "__main__":
    main(sys.argv[1])
