"""PyTorch reference for `PoseLive.Bench ratio train`: times LPN-50 training steps (Adam, MSE, train-mode BN)
at 256x192 on the same Debian libtorch. The network is written here from the LPN paper/official architecture
(LW bottleneck + GC block, grouped deconvs); its parameter count is checked against the published 2.91M.
Usage: python3 lpn_step.py BATCH THREADS. Prints `ready VERSION PARAMS` after a warm-up step, then for each
line `step` read from stdin runs one step and prints its seconds (so the caller can interleave its own steps)."""
import math
import sys
import time

import torch
from torch import nn


def bn(c):
    return nn.BatchNorm2d(c, momentum=0.1)


class Gc(nn.Module):
    def __init__(self, c, p):
        super().__init__()
        self.conv_mask = nn.Conv2d(c, 1, 1)
        self.channel_add_conv = nn.Sequential(nn.Conv2d(c, p, 1), nn.LayerNorm([p, 1, 1]), nn.ReLU(), nn.Conv2d(p, c, 1))

    def forward(self, x):
        n, c, h, w = x.shape
        mask = self.conv_mask(x).view(n, 1, h * w).softmax(2).view(n, 1, h * w, 1)
        ctx = torch.matmul(x.view(n, 1, c, h * w), mask).view(n, c, 1, 1)
        return x + self.channel_add_conv(ctx)


class Block(nn.Module):
    def __init__(self, cin, c, stride, down):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(cin, c, 1, bias=False), bn(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, stride, 1, groups=c, bias=False), bn(c)
        self.conv3, self.bn3 = nn.Conv2d(c, c, 1, bias=False), bn(c)
        self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), bn(c)) if down else None
        self.att = Gc(c, max(16, c // 16))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        y = self.att(self.bn3(self.conv3(y)))
        return torch.relu(y + (self.downsample(x) if self.downsample is not None else x))


class Lpn50(nn.Module):
    def __init__(self, joints=17):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False), bn(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin, layers = 64, []
        for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 1)):
            seq = []
            for b in range(blocks):
                s = stride if b == 0 else 1
                seq.append(Block(cin, planes, s, b == 0 and (s != 1 or cin != planes)))
                cin = planes
            layers.append(nn.Sequential(*seq))
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        deconv = []
        for _ in range(2):
            deconv += [nn.ConvTranspose2d(cin, 256, 4, 2, 1, 0, groups=math.gcd(cin, 256), bias=False), bn(256), nn.ReLU(),
                       nn.Conv2d(256, 256, 1, bias=False), bn(256), nn.ReLU()]
            cin = 256
        self.deconv_layers = nn.Sequential(*deconv)
        self.final_layer = nn.Conv2d(256, joints, 1)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.final_layer(self.deconv_layers(x))


def main():
    batch, threads = (int(a) for a in sys.argv[1:3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = Lpn50().train()
    params = sum(p.numel() for p in net.parameters())
    assert round(params / 1e6, 2) == 2.91, params
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, t = torch.randn(batch, 3, 256, 192), torch.randn(batch, 17, 64, 48) * 0.1

    def step():
        start = time.perf_counter()
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), t)
        loss.backward()
        opt.step()
        return time.perf_counter() - start

    step()
    print(f"ready {torch.__version__} {params}", flush=True)
    for line in sys.stdin:
        if line.strip() != "step":
            break
        print(f"{step():.6f}", flush=True)

if __name__ == "__main__":
    main()
