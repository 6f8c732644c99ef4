#!/usr/bin/env python
"""Time to accuracy of the MNIST fixed-init 10-image SLDD run (the paper's recipe `mnist_fixed_10` unless --recipe).

    python paper/time_to_accuracy.py [--target 0.942] [--minutes 20] [--threads 2] [--eval-every 116] [--recipe NAME]

Trains from scratch, evaluating on the full 10k test set every `--eval-every` outer steps, and stops at
the first evaluation that reaches `--target` (or after `--minutes` of training). The measure is the wall
time (evaluations included) at which the run first reaches the target: the measure the authors' code was
timed with, side by side with this library, one thread each, evaluated every 116 outer steps.
Writes results/time_to_accuracy.json and results/figures/time_to_accuracy.png (accuracy vs minutes).
Run it on an otherwise idle machine: it is a timing.
"""
import argparse, json, sys, time
from pathlib import Path
import torch
from dataset_distillation.data import load
from dataset_distillation.distill import Distiller
from dataset_distillation.task import image_task
from dataset_distillation.config import DistillConfig, resolve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
from bench import machine  # noqa: E402  (tools/bench.py: the machine's description)
# the authors' code, timed side by side with this library on this 2-core CPU (one thread each, the full test set
# every 116 outer steps): it had not reached 94.2% when stopped at 30 wall minutes (about 10,000 steps, best 93.89%)
ORIGINAL = {'reached': False, 'stopped_wall_minutes': 30, 'steps': 10000, 'best': 0.9389}
TARGET_MINUTES = 13

def main(a):
    torch.set_num_threads(a.threads)
    task = image_task(load('mnist'))
    r = resolve({'recipe': a.recipe, 'eval_every': a.eval_every, 'ckpt_every': 0, 'seed': a.seed, 'select_on': 0}).on_data(len(task.y_train))
    cfg = DistillConfig(**r.cfg)
    d = Distiller(task, cfg)
    curve, t_wall, hit = [], time.time(), None
    while d.it < cfg.iterations and d.seconds < 60 * a.minutes:
        d.fit(until=min(d.it + a.eval_every, cfg.iterations), progress=False, live=False)
        acc = d.history[-1]['acc']
        curve.append({'it': d.it, 'train_minutes': round(d.seconds / 60, 3), 'wall_minutes': round((time.time() - t_wall) / 60, 3), 'acc': acc})
        print(f"step {d.it:6d}  train {d.seconds / 60:6.2f} min  test accuracy {100 * acc:.2f}%", flush=True)
        if acc >= a.target: hit = curve[-1]; break
    out = {'target': a.target, 'reached': hit is not None, 'at': hit, 'target_minutes': TARGET_MINUTES,
           'met': hit is not None and hit['wall_minutes'] <= TARGET_MINUTES, 'original': ORIGINAL, 'curve': curve,
           'config': {k: getattr(cfg, k) for k in ('steps', 'epochs', 'labels', 'init', 'distill_lr', 'lr', 'batch_size', 'decay_every', 'iterations', 'seed')},
           'machine': machine('cpu'),
           'date': time.strftime('%Y-%m-%d %H:%M')}
    (ROOT/'results').mkdir(exist_ok=True)
    (ROOT/'results'/'time_to_accuracy.json').write_text(json.dumps(out, indent=1))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot([c['wall_minutes'] for c in curve], [100 * c['acc'] for c in curve], 'o-', ms=3, label='this library')
    ax.axhline(100 * a.target, color='gray', ls=':', lw=1); ax.axvline(TARGET_MINUTES, color='C3', ls='--', lw=1, label=f'target: {TARGET_MINUTES} min')
    ax.plot([ORIGINAL['stopped_wall_minutes']], [100 * ORIGINAL['best']], 's', color='C1', label="authors' code: best by 30 min")
    ax.set(xlabel='wall minutes', ylabel='test accuracy (%)', title='MNIST fixed init, 10 images, SLDD', ylim=(60, 100))
    ax.legend(fontsize=8, loc='lower right'); fig.tight_layout()
    (ROOT/'results'/'figures').mkdir(parents=True, exist_ok=True)
    fig.savefig(ROOT/'results'/'figures'/'time_to_accuracy.png', dpi=110)
    print('reached' if hit else 'not reached', a.target, hit)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--target', type=float, default=0.942); ap.add_argument('--minutes', type=float, default=20)
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--eval-every', type=int, default=116)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--recipe', default='mnist_fixed_10', help='a fixed-init MNIST recipe (config.RECIPES)')
    main(ap.parse_args())
