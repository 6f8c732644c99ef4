#!/usr/bin/env python
"""Long paper-recipe runs, resumable: `python tools/paper_runs.py NAME [--threads N]`.

Checkpoints live in runs/NAME/ (git-ignored); the small outputs (results.json, history.json,
distilled.safetensors) are copied to results/NAME/ when the run ends. Rerun the same command to resume.
`--snapshot` copies the current checkpoint of every run to results/NAME/checkpoint.pt (small; committed),
from which a fresh clone resumes.
"""
import argparse, json, shutil, sys, time
from pathlib import Path
import torch
from dataset_distillation.data import load
from dataset_distillation.distill import DistillConfig
from dataset_distillation.evaluate import original_accuracy, ratio
from dataset_distillation.experiment import make_task, preset, run_task

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # name -> (dataset, preset init, overrides)
    # text rows: recurrent nets use a real batch of 256 instead of 1024 (CPU time), stated in their config
    'trec6_fixed_sldd_6': ('trec6', 'fixed', {'batch_size': 256}),
    'trec6_random_sldd_6': ('trec6', 'random', {'batch_size': 256}),
    'sst5_fixed_sldd_5': ('sst5', 'fixed', {'batch_size': 256}),
    'trec50_fixed_sldd_500': ('trec50', 'fixed', {}),
    'polarity_fixed_sldd_2': ('polarity', 'fixed', {}),
    'polarity_fixed_sldd_20': ('polarity', 'fixed', {'per_class': 10}),
    'polarity_random_sldd_2': ('polarity', 'random', {}),
    'polarity_random_sldd_20': ('polarity', 'random', {'per_class': 10}),
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
            if ck.parent.name not in RUNS or (ck.parent/'results.json').exists(): continue  # finished or not ours
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
    fields = preset(ds_name, 'paper', init, len(ds.y_train))
    maxlen, max_vocab = fields.pop('maxlen', 30), fields.pop('max_vocab', 5000)
    cfg = DistillConfig(**{**fields, **over})
    print(a.name, cfg, flush=True)
    task = make_task(ds, maxlen, max_vocab)
    del ds  # one copy of the data in memory (the task's), not two
    t0 = time.time()
    orig = original_accuracy(task, cfg.model, seed=cfg.seed, progress=False)
    print(a.name, 'original accuracy', orig, f'({time.time() - t0:.0f} s)', flush=True)
    rec, d = run_task(task, cfg, run_dir, final_nets=1 if cfg.init == 'fixed' else 200,
                      progress=False, run=a.name)
    rec.update(original_accuracy=orig, ratio=ratio(rec['distill_accuracy']['mean'], orig))
    if 'encoder' in task.extra:
        from dataset_distillation.plots import decoded_markdown
        (run_dir/'decoded.md').write_text(decoded_markdown(d.distilled(), task.extra['encoder'], max_words=maxlen))
        rec['text'] = {'maxlen': maxlen, 'max_vocab': max_vocab, 'glove_dim': 50, 'coverage': task.extra['encoder'].coverage}
    (run_dir/'results.json').write_text(json.dumps(rec, indent=1, default=float))
    dst = ROOT/'results'/a.name; dst.mkdir(parents=True, exist_ok=True)
    for f in ('results.json', 'history.json', 'distilled.safetensors', 'decoded.md'):
        if (run_dir/f).exists(): shutil.copy2(run_dir/f, dst/f)
    snap.unlink(missing_ok=True)  # finished: the snapshot is no longer needed
    print(a.name, 'accuracy', rec['distill_accuracy'], 'seconds', rec['seconds'], flush=True)
