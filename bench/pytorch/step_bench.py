"""Times the Colored MNIST training step of ERM, Group DRO, LfF and DisEnt in PyTorch on this machine.

The loop mirrors `bin/debias bench` (debias-examples BenchCommand): 54,000 training images of
3x28x28 uint8 held in memory, batch 256, the LfF MLP (2352-100-100-100-10, inputs divided by 255
inside the model), Adam lr 1e-3, 50 warm-up steps, then the mean time of the timed steps. A step
covers the batch gather and conversion to float, forward, loss, backward and the optimiser step.
Pixel values are random (the timing does not depend on them); labels and groups follow the
1 %-conflicting Colored MNIST layout. Group DRO draws group-balanced batches and updates its
group weights as the Group DRO reference does; LfF trains two models with the per-sample loss EMA,
class-wise max normalisation and GCE as the LfF reference does.

DisEnt runs its step with the feature swap on, as `bin/debias bench --method disent --swap-start 1`.

Usage: python3 step_bench.py --method {erm,gdro,lff,disent} [--iterations N] [--threads T]
The last line is `ms_per_iteration: X`.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

N_TRAIN = 54_000
CLASSES = 10
BATCH = 256
WARMUP = 50


class Mlp(nn.Module):
    """The Colored MNIST MLP of LfF: three hidden layers of 100 with ReLU, inputs / 255."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(3 * 28 * 28, 100), nn.ReLU(),
            nn.Linear(100, 100), nn.ReLU(),
            nn.Linear(100, 100), nn.ReLU())
        self.head = nn.Linear(100, CLASSES)

    def forward(self, x):
        return self.head(self.body(x.view(x.size(0), -1) / 255))


def make_data(generator):
    images = torch.randint(0, 256, (N_TRAIN, 3, 28, 28), dtype=torch.uint8, generator=generator)
    labels = torch.arange(N_TRAIN) % CLASSES
    colours = labels.clone()
    conflicting = torch.rand(N_TRAIN, generator=generator) < 0.01
    colours[conflicting] = torch.randint(0, CLASSES, (int(conflicting.sum()),), generator=generator)
    groups = labels * CLASSES + colours
    return images, labels, groups


def batches(indices_fn):
    while True:
        for idx in indices_fn():
            yield idx


def shuffled(generator):
    def epoch():
        return torch.randperm(N_TRAIN, generator=generator).split(BATCH)
    return epoch


def group_balanced(groups, generator):
    counts = torch.bincount(groups, minlength=CLASSES * CLASSES).float()
    weights = (N_TRAIN / counts)[groups]

    def epoch():
        return torch.multinomial(weights, N_TRAIN, replacement=True, generator=generator).split(BATCH)
    return epoch


class Erm:
    def __init__(self, data, generator):
        self.images, self.labels, _ = data
        self.model = Mlp()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.batches = batches(shuffled(generator))

    def step(self):
        idx = next(self.batches)
        x = self.images[idx].float() / 255
        y = self.labels[idx]
        loss = F.cross_entropy(self.model(x), y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()


class GroupDro(Erm):
    def __init__(self, data, generator):
        super().__init__(data, generator)
        self.groups = data[2]
        self.n_groups = CLASSES * CLASSES
        self.q = torch.ones(self.n_groups) / self.n_groups
        self.eta = 0.01
        self.batches = batches(group_balanced(self.groups, generator))

    def step(self):
        idx = next(self.batches)
        x = self.images[idx].float() / 255
        y = self.labels[idx]
        g = self.groups[idx]
        losses = F.cross_entropy(self.model(x), y, reduction='none')
        group_map = (g == torch.arange(self.n_groups).unsqueeze(1)).float()
        group_count = group_map.sum(1)
        group_loss = (group_map @ losses.view(-1)) / (group_count + (group_count == 0).float())
        self.q = self.q * torch.exp(self.eta * group_loss.detach())
        self.q = self.q / self.q.sum()
        loss = group_loss @ self.q
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()


class Ema:
    def __init__(self, labels, alpha=0.7):
        self.labels = labels
        self.alpha = alpha
        self.values = torch.zeros(labels.size(0))
        self.seen = torch.zeros(labels.size(0))

    def update(self, loss, idx):
        self.values[idx] = self.alpha * self.values[idx] + (1 - self.alpha * self.seen[idx]) * loss
        self.seen[idx] = 1

    def max_loss(self, label):
        return self.values[self.labels == label].max()


class LfF:
    def __init__(self, data, generator):
        self.images, self.labels, _ = data
        self.biased, self.debiased = Mlp(), Mlp()
        self.opt_b = torch.optim.Adam(self.biased.parameters(), lr=1e-3)
        self.opt_d = torch.optim.Adam(self.debiased.parameters(), lr=1e-3)
        self.ema_b, self.ema_d = Ema(self.labels), Ema(self.labels)
        self.q = 0.7
        self.batches = batches(shuffled(generator))

    def gce(self, logits, y):
        p = F.softmax(logits, dim=1)
        yg = torch.gather(p, 1, y.unsqueeze(1)).squeeze(1).detach()
        return F.cross_entropy(logits, y, reduction='none') * (yg ** self.q) * self.q

    def step(self):
        idx = next(self.batches)
        x = self.images[idx].float() / 255
        y = self.labels[idx]
        logit_b = self.biased(x)
        logit_d = self.debiased(x)
        ce_b = F.cross_entropy(logit_b, y, reduction='none').detach()
        ce_d = F.cross_entropy(logit_d, y, reduction='none').detach()
        self.ema_b.update(ce_b, idx)
        self.ema_d.update(ce_d, idx)
        loss_b = self.ema_b.values[idx].clone()
        loss_d = self.ema_d.values[idx].clone()
        for c in range(CLASSES):
            in_class = y == c
            loss_b[in_class] /= self.ema_b.max_loss(c)
            loss_d[in_class] /= self.ema_d.max_loss(c)
        weight = loss_b / (loss_b + loss_d + 1e-8)
        loss = self.gce(logit_b, y).mean() + (F.cross_entropy(logit_d, y, reduction='none') * weight).mean()
        self.opt_b.zero_grad(set_to_none=True)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_b.step()
        self.opt_d.step()


class DisEntNet(nn.Module):
    """DisEnt's Colored MNIST network: two encoders 2352-100-100-16 (ReLU after each layer, inputs
    / 255) and two classifiers over the concatenated 32 features."""

    def __init__(self):
        super().__init__()

        def encoder():
            return nn.Sequential(
                nn.Linear(3 * 28 * 28, 100), nn.ReLU(),
                nn.Linear(100, 100), nn.ReLU(),
                nn.Linear(100, 16), nn.ReLU())
        self.enc_i, self.enc_b = encoder(), encoder()
        self.cls_i, self.cls_b = nn.Linear(32, CLASSES), nn.Linear(32, CLASSES)

    def features(self, x):
        flat = x.view(x.size(0), -1) / 255
        return self.enc_i(flat), self.enc_b(flat)


class DisEnt(LfF):
    """One DisEnt step with the feature swap on (the step after curr_step): two Adam optimisers
    (lr 0.01) over the intrinsic and the bias pairs, the per-sample EMAs and class-wise max of LfF,
    GCE on the bias branch, lambda_dis = lambda_swap_b = 10, lambda_swap = 1."""

    def __init__(self, data, generator):
        self.images, self.labels, _ = data
        self.net = DisEntNet()
        n = self.net
        self.opt_i = torch.optim.Adam(list(n.enc_i.parameters()) + list(n.cls_i.parameters()), lr=0.01)
        self.opt_b = torch.optim.Adam(list(n.enc_b.parameters()) + list(n.cls_b.parameters()), lr=0.01)
        self.ema_b, self.ema_d = Ema(self.labels), Ema(self.labels)
        self.q = 0.7
        self.batches = batches(shuffled(generator))
        self.generator = generator

    def step(self):
        idx = next(self.batches)
        x = self.images[idx].float() / 255
        y = self.labels[idx]
        z_i, z_b = self.net.features(x)
        pred_conflict = self.net.cls_i(torch.cat([z_i, z_b.detach()], dim=1))
        pred_align = self.net.cls_b(torch.cat([z_i.detach(), z_b], dim=1))
        ce_conflict = F.cross_entropy(pred_conflict, y, reduction='none')
        ce_align = F.cross_entropy(pred_align, y, reduction='none')
        self.ema_d.update(ce_conflict.detach(), idx)
        self.ema_b.update(ce_align.detach(), idx)
        loss_d = self.ema_d.values[idx].clone()
        loss_b = self.ema_b.values[idx].clone()
        for c in range(CLASSES):
            in_class = y == c
            loss_d[in_class] /= self.ema_d.max_loss(c)
            loss_b[in_class] /= self.ema_b.max_loss(c)
        weight = loss_b / (loss_b + loss_d + 1e-8)
        loss_dis = (ce_conflict * weight).mean() + 10 * self.gce(pred_align, y).mean()
        perm = torch.randperm(z_b.size(0), generator=self.generator)
        z_b_swap, y_swap = z_b[perm], y[perm]
        pred_swap_conflict = self.net.cls_i(torch.cat([z_i, z_b_swap.detach()], dim=1))
        pred_swap_align = self.net.cls_b(torch.cat([z_i.detach(), z_b_swap], dim=1))
        loss_swap = ((F.cross_entropy(pred_swap_conflict, y, reduction='none') * weight).mean()
                     + 10 * self.gce(pred_swap_align, y_swap).mean())
        loss = loss_dis + loss_swap
        self.opt_i.zero_grad(set_to_none=True)
        self.opt_b.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_i.step()
        self.opt_b.step()


METHODS = {'erm': Erm, 'gdro': GroupDro, 'lff': LfF, 'disent': DisEnt}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--method', choices=sorted(METHODS), required=True)
    parser.add_argument('--iterations', type=int, default=1000)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    trainer = METHODS[args.method](make_data(generator), generator)
    for _ in range(WARMUP):
        trainer.step()
    start = time.perf_counter()
    for _ in range(args.iterations):
        trainer.step()
    elapsed = time.perf_counter() - start
    print(f'method: {args.method}, torch {torch.__version__}, threads {torch.get_num_threads()}')
    print(f'ms_per_iteration: {1000 * elapsed / args.iterations:.3f}')


if __name__ == '__main__':
    main()
