"""Times the Colored MNIST training step of ERM, Group DRO, LfF, DisEnt and DCWP in PyTorch on this machine.

The loop mirrors `bin/debias bench` (debias-examples BenchCommand): 54,000 training images of
3x28x28 uint8 held in memory, batch 256, the LfF MLP (2352-100-100-100-10, inputs divided by 255
inside the model), Adam lr 1e-3, 50 warm-up steps, then the mean time of the timed steps. A step
covers the batch gather and conversion to float, forward, loss, backward and the optimiser step.
Pixel values are random (the timing does not depend on them); labels and groups follow the
1 %-conflicting Colored MNIST layout. Group DRO draws group-balanced batches and updates its
group weights as the Group DRO reference does; LfF trains two models with the per-sample loss EMA,
class-wise max normalisation and GCE as the LfF reference does.

DisEnt runs its step with the feature swap on, as `bin/debias bench --method disent --swap-start 1`.
DCWP times its phase-3 step (`bin/debias bench --method dcwp`): DCWP's GateCNN with frozen weights
and BatchNorm in training mode, one sampled mask per masked weight (noise on the probability, as the
reference), CE + lambda_sparse * sum of scores + lambda_con * the debiased contrastive term, Adam
lr 1e-2 over the scores only, batches drawn with replacement with weight 80 on the mined samples
(the true conflicting ones, as `--mining supervised`).

Usage: python3 step_bench.py --method {erm,gdro,lff,disent,dcwp} [--iterations N] [--threads T]
The last line is `ms_per_iteration: X`.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_profile import print_profile

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


class GateCnn(nn.Module):
    """DCWP's Colored MNIST CNN: three 4x4 stride-2 convolutions (64, 128, 256 channels, no bias),
    each followed by BatchNorm and ReLU, global average pooling, Linear(256, 10). Every convolution
    weight and the linear weight carry a score tensor of their shape, initialised to 1.5."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Conv2d(3, 64, 4, 2, 1, bias=False),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False),
            nn.Conv2d(128, 256, 4, 2, 1, bias=False)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(64), nn.BatchNorm2d(128), nn.BatchNorm2d(256)])
        self.fc = nn.Linear(256, CLASSES)
        for p in self.parameters():
            p.requires_grad_(False)
        masked = [c.weight for c in self.convs] + [self.fc.weight]
        self.scores = nn.ParameterList([nn.Parameter(torch.full_like(w, 1.5)) for w in masked])

    @staticmethod
    def sampled_mask(score):
        prob = torch.sigmoid(score)
        u0, u1 = torch.rand_like(score), torch.rand_like(score)
        noise = -torch.log(torch.log(u1 + 1e-10) / torch.log(u0 + 1e-10) + 1e-10)
        soft = torch.sigmoid(prob + noise)
        hard = (soft > 0.5).float()
        return hard + soft - soft.detach()

    def forward(self, x):
        masks = [self.sampled_mask(s) for s in self.scores]
        h = x
        for conv, norm, mask in zip(self.convs, self.norms, masks):
            h = F.relu(norm(F.conv2d(h, conv.weight * mask, stride=2, padding=1)))
        feat = h.mean(dim=(2, 3))
        return F.linear(feat, self.fc.weight * masks[-1], self.fc.bias), feat


def debiased_contrastive(feat, y, mined, temperature=0.07):
    h = F.normalize(feat, dim=1)
    sim = h @ h.t() / temperature
    sim = sim - sim.max(dim=1, keepdim=True).values.detach()
    not_self = 1 - torch.eye(y.size(0))
    positives = (y.unsqueeze(1) == y.unsqueeze(0)).float() * mined.float().unsqueeze(0) * not_self
    log_prob = sim - torch.log((sim.exp() * not_self).sum(dim=1, keepdim=True))
    counts = positives.sum(dim=1)
    kept = counts > 0
    if not kept.any():
        return sim.sum() * 0
    return -((positives * log_prob).sum(dim=1)[kept] / counts[kept]).mean()


class Dcwp:
    """DCWP's phase-3 step: scores learned through sampled masks, weights frozen."""

    def __init__(self, data, generator):
        self.images, self.labels, groups = data
        self.mined = groups // CLASSES != groups % CLASSES
        self.model = GateCnn()
        self.model.train()
        self.optimizer = torch.optim.Adam(self.model.scores.parameters(), lr=1e-2)
        self.weights = torch.where(self.mined, 80.0, 1.0)
        self.generator = generator

    def step(self):
        idx = torch.multinomial(self.weights, BATCH, replacement=True, generator=self.generator)
        x = self.images[idx].float() / 255
        y = self.labels[idx]
        logits, feat = self.model(x)
        sparsity = sum(s.sum() for s in self.model.scores)
        loss = (F.cross_entropy(logits, y) + 1e-8 * sparsity
                + 0.05 * debiased_contrastive(feat, y, self.mined[idx]))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()


METHODS = {'erm': Erm, 'gdro': GroupDro, 'lff': LfF, 'disent': DisEnt, 'dcwp': Dcwp}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--method', choices=sorted(METHODS), required=True)
    parser.add_argument('--iterations', type=int, default=1000)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--profile', action='store_true',
                        help='instead of timing: self CPU time per native operation and step, from torch.profiler')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    trainer = METHODS[args.method](make_data(generator), generator)
    for _ in range(WARMUP):
        trainer.step()
    if args.profile:
        print_profile(trainer.step, args.iterations)
        return
    start = time.perf_counter()
    for _ in range(args.iterations):
        trainer.step()
    elapsed = time.perf_counter() - start
    print(f'method: {args.method}, torch {torch.__version__}, threads {torch.get_num_threads()}')
    print(f'ms_per_iteration: {1000 * elapsed / args.iterations:.3f}')


if __name__ == '__main__':
    main()
