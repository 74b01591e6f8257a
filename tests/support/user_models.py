"""Test fixtures: a transformer encoder layer and an LSTM classifier as TorchScript, with torch.save
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


def main(out):
    torch.manual_seed(0)
    inputs = {"transformer": torch.randint(0, 10, (120, 6)).float(), "lstm": torch.randn(120, 5, 4)}
    for name, model in [("transformer", Transformer()), ("lstm", Lstm())]:
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
