"""Times CAMEL's two steps in PyTorch on this machine, beside `bin/debias bench --method cyclegan|camel`.

cyclegan: one stage-1 step on 28x28x1 images, batch 25 per domain, as Debias's CycleGanTrainer: the
MNIST U-Net generators (downs 32..512 with 4x4 stride-2 convolutions, TensorFlow "same" padding,
Keras BatchNorm, LeakyReLU 0.3; ups 256..32 with ConvTranspose2d(4, 2, 1), skip concatenations; a
last ConvTranspose2d with bias and tanh; pad 2 / crop 2), the PatchGAN discriminators (2x2 patches,
the asymmetric padding of the third block), BCE, cycle 10, identity 1 (halved), Adam(0.5, 0.999,
eps 1e-7) at 1e-3 (generators) and 5e-5 (discriminators), a replay pool of 50; the generator phase
with the discriminators frozen, then the discriminator phase on pooled copies. The rotation/crop
augmentation runs on the host in Debias; here it is left out (it is a few microseconds per image).

camel: one stage-2 step as Debias's CamelTrainer: CAMEL's MNIST CNN over the concatenation of 4
groups x 3 views x 25 images (300 x 1 x 28 x 28), per-group cross-entropy of the originals with
class-conditional Group DRO (C = 1, eta = 0.01), the CAMEL consistency (lambda 5) summed over the
groups' means, SGD with Nesterov momentum 0.9, lr 1e-3, weight decay 5e-4.

Usage: python3 camel_bench.py --method {cyclegan,camel} [--iterations N] [--threads T]
The last line is `ms_per_iteration: X`.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_profile import print_profile

WARMUP = 50


def same_pad(x, k=4, s=2):
    pads = []
    for size in (x.shape[3], x.shape[2]):
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class Down(nn.Module):
    def __init__(self, cin, cout, norm=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 4, 2, 0, bias=False)
        self.norm = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01) if norm else None

    def forward(self, x):
        x = self.conv(same_pad(x))
        if self.norm is not None:
            x = self.norm(x)
        return F.leaky_relu(x, 0.3)


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False)
        self.norm = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)

    def forward(self, x):
        return F.relu(self.norm(self.conv(x)))


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        downs = [32, 64, 128, 256, 512]
        self.downs = nn.ModuleList()
        cin = 1
        for i, c in enumerate(downs):
            self.downs.append(Down(cin, c, norm=i > 0))
            cin = c
        self.ups = nn.ModuleList()
        for i, c in enumerate([256, 128, 64, 32]):
            self.ups.append(Up(cin, c))
            cin = c + downs[-2 - i]
        self.last = nn.ConvTranspose2d(cin, 1, 4, 2, 1)

    def forward(self, x):
        x = F.pad(x, [2, 2, 2, 2])
        skips = []
        for d in self.downs:
            x = d(x)
            skips.append(x)
        for i, u in enumerate(self.ups):
            x = torch.cat([u(x), skips[-2 - i]], 1)
        return torch.tanh(self.last(x))[:, :, 2:30, 2:30]


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.d1 = Down(1, 64, norm=False)
        self.d2 = Down(64, 128)
        self.d3 = Down(128, 256)
        self.conv = nn.Conv2d(256, 512, 4, 1, 1, bias=False)
        self.norm = nn.BatchNorm2d(512, eps=1e-3, momentum=0.01)
        self.last = nn.Conv2d(512, 1, 4, 1, 1)

    def forward(self, x):
        x = self.d3(self.d2(self.d1(x)))
        return self.last(F.leaky_relu(self.norm(self.conv(x)), 0.3))


def init_normal(module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0, 0.02)


class Pool:
    def __init__(self, size, generator):
        self.size, self.images, self.generator = size, None, generator

    def push(self, batch):
        batch = batch.detach().clone()
        if self.images is None:
            self.images = batch[: self.size]
            batch = batch[self.size:]
        fill = min(len(batch), self.size - len(self.images))
        if fill > 0:
            self.images = torch.cat([self.images, batch[:fill]])
            batch = batch[fill:]
        if len(batch) > 0:
            slots = torch.randperm(self.size, generator=self.generator)[: len(batch)]
            self.images[slots] = batch

    def sample(self, n):
        return self.images[torch.randperm(len(self.images), generator=self.generator)[:n]]


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def cyclegan_step_fn(batch):
    g = torch.Generator().manual_seed(0)
    G, Fg, DX, DY = Generator(), Generator(), Discriminator(), Discriminator()
    for m in (G, Fg, DX, DY):
        init_normal(m)
    opt_g = torch.optim.Adam(list(G.parameters()) + list(Fg.parameters()), 1e-3, betas=(0.5, 0.999), eps=1e-7)
    opt_d = torch.optim.Adam(list(DX.parameters()) + list(DY.parameters()), 5e-5, betas=(0.5, 0.999), eps=1e-7)
    pool_x, pool_y = Pool(50, g), Pool(50, g)
    xs = torch.rand(200, 1, 28, 28, generator=g) * 2 - 1
    ys = torch.rand(200, 1, 28, 28, generator=g) * 2 - 1

    def step():
        x = xs[torch.randperm(200, generator=g)[:batch]]
        y = ys[torch.randperm(200, generator=g)[:batch]]
        for p in list(DX.parameters()) + list(DY.parameters()):
            p.requires_grad_(False)
        fake_y = G(x)
        cyc_x = Fg(fake_y)
        fake_x = Fg(y)
        cyc_y = G(fake_x)
        same_x = Fg(x)
        same_y = G(y)
        loss = bce(DY(fake_y), 1) + bce(DX(fake_x), 1)
        loss = loss + 10 * (x - cyc_x).abs().mean() + 10 * (y - cyc_y).abs().mean()
        loss = loss + 0.5 * ((x - same_x).abs().mean() + (y - same_y).abs().mean())
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        for p in list(DX.parameters()) + list(DY.parameters()):
            p.requires_grad_(True)
        pool_x.push(fake_x)
        pool_y.push(fake_y)
        px, py = pool_x.sample(batch), pool_y.sample(batch)
        loss_d = 0.5 * (bce(DX(x), 1) + bce(DX(px), 0)) + 0.5 * (bce(DY(y), 1) + bce(DY(py), 0))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
    return step


class CamelCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(1600, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 2))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.body(x)


def kl(a, b):
    a, b = a.clamp(1e-7, 1), b.clamp(1e-7, 1)
    return (a * (a.log() - b.log())).sum(1)


def camel_step_fn(batch):
    g = torch.Generator().manual_seed(0)
    model = CamelCnn()
    opt = torch.optim.SGD(model.parameters(), 1e-3, momentum=0.9, nesterov=True, weight_decay=5e-4)
    counts = torch.tensor([9900.0, 100.0, 100.0, 9900.0])
    n = 20_000
    images = torch.randint(0, 256, (3, n, 1, 28, 28), dtype=torch.uint8, generator=g)
    groups = torch.cat([torch.full((int(c),), k) for k, c in enumerate(counts.tolist())])
    members = [torch.nonzero(groups == k).squeeze(1) for k in range(4)]
    logits_q = torch.zeros(4)
    adjust = 1.0 / counts.sqrt()
    per = batch // 4

    def step():
        nonlocal logits_q
        idx = torch.cat([m[torch.randint(len(m), (per,), generator=g)] for m in members])
        x = images[:, idx].float().div_(255).reshape(3 * len(idx), 1, 28, 28)
        y = groups[idx] // 2
        gid = groups[idx]
        p = model(x)
        lo, lf, lg = p.split(len(idx))
        ce = F.cross_entropy(lo, y, reduction="none")
        onehot = F.one_hot(gid, 4).float()
        group_loss = (onehot.t() @ ce) / onehot.sum(0).clamp(min=1)
        a = group_loss.detach() + adjust
        logits_q = logits_q + 0.01 * a
        q = torch.cat([torch.softmax(logits_q[:2], 0), torch.softmax(logits_q[2:], 0)])
        robust = 0.5 * (q * (group_loss + adjust)).sum()
        po, pf, pg = lo.softmax(1), lf.softmax(1), lg.softmax(1)
        m = (pf + pg) / 2
        cons = 0.5 * kl(po, m) + 0.25 * kl(pf, m) + 0.25 * kl(pg, m)
        loss = robust + 5 * ((onehot.t() @ cons) / onehot.sum(0).clamp(min=1)).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", required=True, choices=["cyclegan", "camel"])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--profile", action="store_true",
                        help="instead of timing: self CPU time per native operation and step, from torch.profiler")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    if args.method == "cyclegan":
        step = cyclegan_step_fn(args.batch or 25)
    else:
        step = camel_step_fn(args.batch or 100)
    for _ in range(args.warmup):
        step()
    if args.profile:
        print_profile(step, args.iterations)
        return
    start = time.perf_counter()
    for _ in range(args.iterations):
        step()
    ms = (time.perf_counter() - start) * 1000 / args.iterations
    print(f"torch {torch.__version__}, threads {args.threads}, method {args.method}")
    print(f"ms_per_iteration: {ms:.3f}")


if __name__ == "__main__":
    main()
