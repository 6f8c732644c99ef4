#!/usr/bin/env python
"""Why late training swings: how sensitive a finished fixed-init set's accuracy is to its learned step sizes and labels.

    python paper/stability.py [RUN ...]   (default: mnist_fixed_sldd_10_lr01 mnist_fixed_sldd_5_lr01)

For each finished run under results/: the learned step sizes and label scale, the swing of its periodic test
accuracy (largest drop between consecutive evaluations in the last half of the run), and the test accuracy
after replaying the set with ONE quantity scaled by a factor in 0.90 ... 1.10 (each step size alone, the labels,
the data). A steep curve for one quantity is what makes small outer updates move the accuracy by points.
Writes results/stability.json and results/figures/stability.png.
"""
import json, sys
from pathlib import Path
import torch
from dataset_distillation.config import resolve
from dataset_distillation.data import load
from dataset_distillation.distilled import DistilledSet, load_distilled
from dataset_distillation.evaluate import evaluate_protocol
from dataset_distillation.task import make_task
from report import late_swings  # paper/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
FACTORS = [0.90, 0.95, 0.98, 0.99, 1.0, 1.01, 1.02, 1.05, 1.10]

def scaled(d: DistilledSet, what: str, f: float) -> DistilledSet:
    "`d` with one quantity scaled by `f`: 'lr1'.. (one step size), 'labels' or 'data'."
    x, y, lrs = d.data.clone(), d.labels.clone(), d.lrs.clone()
    if what.startswith('lr'): lrs[int(what[2:]) - 1] *= f
    elif what == 'labels': y *= f
    else: x *= f
    return DistilledSet(x, y, lrs, d.meta)

def study(run: str, task) -> dict:
    dst = ROOT/'results'/run
    rec, d = json.loads((dst/'results.json').read_text()), load_distilled(dst/'distilled.safetensors')
    swings = late_swings(json.loads((dst/'history.json').read_text()))
    acc = lambda s: evaluate_protocol(s, task, init='fixed', n=1).mean().item()
    what = [f'lr{t + 1}' for t in range(len(d.lrs))] + ['labels', 'data']
    curves = {w: [acc(scaled(d, w, f)) for f in FACTORS] for w in what}
    for w, c in curves.items(): print(run, w, ' '.join(f'{100 * a:.2f}' for a in c), flush=True)
    return {'run': run, 'lrs': d.lrs.tolist(), 'label_norm': d.labels.flatten(0, -2).norm(dim=-1).mean().item(),
            'label_max': d.labels.abs().max().item(), 'final_acc': rec['distill_accuracy']['mean'],
            **{k: swings[k] for k in ('late_evals', 'late_largest_drop', 'late_range')}, 'factors': FACTORS, 'curves': curves}

def main(runs: list):
    torch.set_num_threads(1)
    r = resolve({'recipe': runs[0]})
    task = make_task(load(r.dataset), r.text)
    out = [study(run, task) for run in runs]
    (ROOT/'results'/'stability.json').write_text(json.dumps(out, indent=1))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(out), figsize=(4.2 * len(out), 3.2), squeeze=False)
    for ax, s in zip(axes[0], out):
        for w, c in s['curves'].items(): ax.plot(s['factors'], [100 * a for a in c], 'o-', ms=3, label=w + (f" ({s['lrs'][int(w[2:]) - 1]:.3f})" if w.startswith('lr') else ''))
        ax.set(xlabel='factor applied to one quantity', ylabel='test accuracy (%)', title=f"{s['run']}\nlate evaluations span {100 * s['late_range']:.1f} points")
        ax.legend(fontsize=7)
    fig.tight_layout(); (ROOT/'results'/'figures').mkdir(parents=True, exist_ok=True)
    fig.savefig(ROOT/'results'/'figures'/'stability.png', dpi=110)

if __name__ == '__main__':
    main(sys.argv[1:] or ['mnist_fixed_sldd_10_lr01', 'mnist_fixed_sldd_5_lr01'])
