"""PyTorch reference for `PoseLive.Bench ratio train`: times training steps (Adam, MSE, train-mode BN) of LPN-50
or HRNet-W32 at 256x192 on the same Debian libtorch. The networks are written here from the papers/official
architectures (LPN: LW bottleneck + GC block, grouped deconvs; HRNet: multi-resolution branches with fuse layers),
with the official code's in-place ReLUs and residual adds; parameter counts are checked against the published
2.91M and 28.54M. Usage: python3 train_step.py NET BATCH THREADS (NET = lpn50 | hrnet_w32). Prints
`ready VERSION PARAMS` after a warm-up step, then for each line `step` read from stdin runs one step and prints
`SECONDS FORWARD BACKWARD` (so the caller can interleave its own steps)."""
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
        self.channel_add_conv = nn.Sequential(nn.Conv2d(c, p, 1), nn.LayerNorm([p, 1, 1]), nn.ReLU(inplace=True), nn.Conv2d(p, c, 1))

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
        y = torch.relu_(self.bn1(self.conv1(x)))
        y = torch.relu_(self.bn2(self.conv2(y)))
        y = self.att(self.bn3(self.conv3(y)))
        y += self.downsample(x) if self.downsample is not None else x
        return torch.relu_(y)


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
            deconv += [nn.ConvTranspose2d(cin, 256, 4, 2, 1, 0, groups=math.gcd(cin, 256), bias=False), bn(256), nn.ReLU(inplace=True),
                       nn.Conv2d(256, 256, 1, bias=False), bn(256), nn.ReLU(inplace=True)]
            cin = 256
        self.deconv_layers = nn.Sequential(*deconv)
        self.final_layer = nn.Conv2d(256, joints, 1)

    def forward(self, x):
        x = self.maxpool(torch.relu_(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.final_layer(self.deconv_layers(x))


def conv_bn(cin, cout, stride, relu=True):
    layers = [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), bn(cout)]
    return nn.Sequential(*(layers + [nn.ReLU(inplace=True)] if relu else layers))


class Basic(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, 1, 1, bias=False), bn(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, 1, 1, bias=False), bn(c)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu_(self.bn1(self.conv1(x)))))
        y += x
        return torch.relu_(y)


class Bottleneck(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(cin, c, 1, bias=False), bn(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, 1, 1, bias=False), bn(c)
        self.conv3, self.bn3 = nn.Conv2d(c, 4 * c, 1, bias=False), bn(4 * c)
        self.downsample = nn.Sequential(nn.Conv2d(cin, 4 * c, 1, bias=False), bn(4 * c)) if cin != 4 * c else None

    def forward(self, x):
        y = torch.relu_(self.bn1(self.conv1(x)))
        y = torch.relu_(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        y += self.downsample(x) if self.downsample is not None else x
        return torch.relu_(y)


class HrModule(nn.Module):
    def __init__(self, widths, multi_scale):
        super().__init__()
        n = len(widths)
        self.branches = nn.ModuleList(nn.Sequential(*[Basic(w) for _ in range(4)]) for w in widths)
        self.fuse = nn.ModuleList()
        for i in range(n if multi_scale else 1):
            row = nn.ModuleList()
            for j in range(n):
                if j > i:
                    row.append(nn.Sequential(nn.Conv2d(widths[j], widths[i], 1, bias=False), bn(widths[i]),
                                             nn.Upsample(scale_factor=2 ** (j - i), mode="nearest")))
                elif j == i:
                    row.append(nn.Identity())
                else:
                    steps = [conv_bn(widths[j], widths[j], 2) for _ in range(i - j - 1)]
                    row.append(nn.Sequential(*steps, conv_bn(widths[j], widths[i], 2, relu=False)))
            self.fuse.append(row)

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for row in self.fuse:
            y = row[0](xs[0])
            for j in range(1, len(xs)):
                y = y + row[j](xs[j])
            out.append(torch.relu_(y))
        return out


class HRNetW32(nn.Module):
    def __init__(self, joints=17, w=32):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 64, 2), conv_bn(64, 64, 2))
        self.layer1 = nn.Sequential(Bottleneck(64, 64), *[Bottleneck(256, 64) for _ in range(3)])
        self.transitions, self.stages = nn.ModuleList(), nn.ModuleList()
        prev = [256]
        for s, modules in enumerate((1, 4, 3)):
            widths = [w << b for b in range(s + 2)]
            t = nn.ModuleList()
            for i, c in enumerate(widths):
                if i < len(prev):
                    t.append(conv_bn(prev[i], c, 1) if c != prev[i] else nn.Identity())
                else:
                    t.append(conv_bn(prev[-1], c, 2))
            self.transitions.append(t)
            self.stages.append(nn.ModuleList(HrModule(widths, not (s == 2 and m == modules - 1)) for m in range(modules)))
            prev = widths
        self.final_layer = nn.Conv2d(w, joints, 1)

    def forward(self, x):
        ys = [self.layer1(self.stem(x))]
        for t, stage in zip(self.transitions, self.stages):
            ys = [step(ys[i] if i < len(ys) else ys[-1]) for i, step in enumerate(t)]
            for m in stage:
                ys = m(ys)
        return self.final_layer(ys[0])


NETS = {"lpn50": (Lpn50, 2.91), "hrnet_w32": (HRNetW32, 28.54)}


def main():
    name = sys.argv[1]
    batch, threads = (int(a) for a in sys.argv[2:4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    make, published = NETS[name]
    net = make().train()
    params = sum(p.numel() for p in net.parameters())
    assert round(params / 1e6, 2) == published, params
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, t = torch.randn(batch, 3, 256, 192), torch.randn(batch, 17, 64, 48) * 0.1

    def step():
        start = time.perf_counter()
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), t)
        forward = time.perf_counter()
        loss.backward()
        backward = time.perf_counter()
        opt.step()
        end = time.perf_counter()
        return f"{end - start:.6f} {forward - start:.6f} {backward - forward:.6f}"

    step()
    print(f"ready {torch.__version__} {params}", flush=True)
    for line in sys.stdin:
        if line.strip() != "step":
            break
        print(step(), flush=True)

if __name__ == "__main__":
    main()
