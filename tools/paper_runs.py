#!/usr/bin/env python
"""Long paper-recipe runs, resumable: `python tools/paper_runs.py NAME [--threads N]`.

Checkpoints live in runs/NAME/ (git-ignored); the small outputs (results.json, history.json,
distilled.safetensors) are copied to results/NAME/ when the run ends. Rerun the same command to resume.
`--snapshot` copies the current checkpoint of every run to results/NAME/checkpoint.pt (small; committed),
from which a fresh clone resumes.
"""
import argparse, shutil, sys, time
from pathlib import Path
import torch
from dataset_distillation.data import load
from dataset_distillation.distill import DistillConfig, image_task
from dataset_distillation.experiment import preset, run_task

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # name -> (dataset, preset init, overrides)
    'mnist_fixed_sldd_10': ('mnist', 'fixed', {}),
    'mnist_fixed_dd_10': ('mnist', 'fixed', {'labels': 'hard'}),
    'mnist_fixed_sldd_5': ('mnist', 'fixed', {'classes': [0, 1, 2, 3, 4]}),
    'mnist_random_sldd_100': ('mnist', 'random', {}),
    'mnist_random_dd_100': ('mnist', 'random', {'labels': 'hard'}),
}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('name', nargs='?', choices=sorted(RUNS)); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--snapshot', action='store_true', help='copy current checkpoints into results/ and exit')
    ap.add_argument('--set', nargs='*', default=[], help='extra overrides key=value (python literals)')
    a = ap.parse_args()
    if a.snapshot:
        for ck in sorted((ROOT/'runs').glob('*/checkpoint.pt')):
            dst = ROOT/'results'/ck.parent.name; dst.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ck, dst/'checkpoint.pt'); print('snapshot', dst/'checkpoint.pt')
        sys.exit(0)
    if a.name is None: ap.error('name a run')
    torch.set_num_threads(a.threads)
    run_dir, snap = ROOT/'runs'/a.name, ROOT/'results'/a.name/'checkpoint.pt'
    if not (run_dir/'checkpoint.pt').exists() and snap.exists():
        run_dir.mkdir(parents=True, exist_ok=True); shutil.copy2(snap, run_dir/'checkpoint.pt')
        print('resuming from', snap, flush=True)
    ds_name, init, over = RUNS[a.name]
    import ast
    over = {**over, **{k: ast.literal_eval(v) for k, v in (s.split('=', 1) for s in a.set)}}
    ds = load(ds_name)
    cfg = DistillConfig(**{**preset(ds_name, 'paper', init, len(ds.y_train)), **over})
    print(a.name, cfg, flush=True)
    rec, _ = run_task(image_task(ds), cfg, run_dir, final_nets=1 if cfg.init == 'fixed' else 200,
                   progress=False, run=a.name)
    dst = ROOT/'results'/a.name; dst.mkdir(parents=True, exist_ok=True)
    for f in ('results.json', 'history.json', 'distilled.safetensors'): shutil.copy2(run_dir/f, dst/f)
    snap.unlink(missing_ok=True)  # finished: the snapshot is no longer needed
    print(a.name, 'accuracy', rec['distill_accuracy'], 'seconds', rec['seconds'], flush=True)
