"""Oracles for the meta-gradient: independent implementations the tests and `tools/bench.py` compare `meta_grad` with.

Test support, not part of the package: the notebooks put this folder on `sys.path` (they run from `nbs/`), and the
bench does the same from `tools/`."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from dataset_distillation.models import fwd
from dataset_distillation.unroll import train_mode


def reference_meta_grad(
    model: nn.Module, x: Tensor, y: Tensor, raw: Tensor, params0: dict, xb: Tensor, yb: Tensor
) -> tuple:
    """`meta_grad`'s loss and `(dx, dy, draw)` computed as the original code does (flat weights, reverse Hessian-vector
    sweep)."""
    names, shapes = list(params0), [v.shape[1:] for v in params0.values()]
    sizes = [math.prod(s) for s in shapes]
    logits = lambda w, xi: fwd(model, {k: v.view(s) for k, v, s in zip(names, w.split(sizes), shapes)}, xi)
    lrs, n, S = F.softplus(raw).detach().requires_grad_(), len(params0[names[0]]), len(x)
    x, y = x.detach().requires_grad_(), y.detach().requires_grad_()
    gx, gy, glr, total = 0, 0, 0, 0.
    with torch.enable_grad(), train_mode(model, False):
        for j in range(n):
            ws, gws = [torch.cat([v[j].reshape(-1) for v in params0.values()]).requires_grad_()], []
            for t in range(len(lrs)):   # forward: each step's weights, and its gradient with its graph
                l = -(y[t % S] * logits(ws[-1], x[t % S]).log_softmax(-1)).sum(-1).mean()
                gw, = torch.autograd.grad(l, ws[-1], create_graph=True)
                gws.append(gw); ws.append((ws[-1] - lrs[t] * gw).detach().requires_grad_())
            L = F.cross_entropy(logits(ws[-1], xb), yb)
            dw, = torch.autograd.grad(L, ws[-1]); total += L.item()
            dx, dy, dls = 0, 0, [None] * len(lrs)
            for t in reversed(range(len(lrs))):   # reverse: pull dw back through g_t
                dls[t] = -(dw * gws[t]).sum()
                hw, hx, hy = torch.autograd.grad(gws[t], (ws[t], x, y), -lrs[t].detach() * dw, retain_graph=True)
                dw, dx, dy = dw + hw, dx + hx, dy + hy
            gx, gy, glr = gx + dx / n, gy + dy / n, glr + torch.stack(dls).detach() * torch.sigmoid(raw) / n
    return torch.tensor(total / n, dtype=x.dtype, device=x.device), (gx, gy, glr)
