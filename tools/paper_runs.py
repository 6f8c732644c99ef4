#!/usr/bin/env python
"""Long paper-recipe runs, resumable: `python tools/paper_runs.py NAME [--threads N]`.

Checkpoints live in runs/NAME/ (git-ignored); the small outputs (results.json, history.json,
distilled.safetensors) are copied to results/NAME/ when the run ends. Rerun the same command to resume.
`--snapshot` copies the current checkpoint of every run to results/NAME/checkpoint.pt (small; committed),
from which a fresh clone resumes.
`--original` recomputes a finished run's full-data accuracy with the current recipe and updates its ratio.
`--baselines` (on a finished run) adds the paper's six baselines of the same size to its results.json, once
with the original code's fixed step size and once with the run's learned step sizes, and checks that the
saved distilled set reloads and replays to the recorded accuracy.
"""
import argparse, json, shutil, sys, time
from pathlib import Path
import torch
from dataset_distillation.data import load
from dataset_distillation.distilled import atomic_write
from dataset_distillation.distill import DistillConfig
from dataset_distillation.evaluate import original_accuracy, ratio
from dataset_distillation.experiment import add_comparisons, make_task, preset, run_task

ROOT = Path(__file__).resolve().parents[1]
POLARITY = {'batch_size': 128, 'iterations': 400, 'decay_every': 100, 'lr': 0.05, 'distill_lr': 0.1, 'eval_every': 50, 'ckpt_every': 50}
TEXT_LONG = {'batch_size': 256, 'iterations': 1000, 'decay_every': 250, 'lr': 0.05, 'distill_lr': 1.0, 'eval_every': 50, 'ckpt_every': 50}
SELECT = {'select_on': 10000}  # model selection on training samples, never on the test set
DLR02 = {'distill_lr': 0.02}
RUNS = {  # name -> (dataset, preset init, overrides)
    # text rows: a real batch of 256 instead of 1024 (CPU time), stated in their config
    'trec6_fixed_sldd_6': ('trec6', 'fixed', {'batch_size': 256}),
    'trec6_random_sldd_6': ('trec6', 'random', {'batch_size': 256}),
    # the paper's 500 steps with decay every 50 leave the distilled sentences almost where they started (62% here):
    # 1,000 steps, decay every 250, outer lr 0.05 and initial step size 1.0 (chosen on 300-step trial runs)
    'trec6_fixed_sldd_6_long': ('trec6', 'fixed', {**TEXT_LONG}),
    'trec6_random_sldd_6_long': ('trec6', 'random', {**TEXT_LONG}),
    'sst5_fixed_sldd_5': ('sst5', 'fixed', {'batch_size': 256}),
    # TREC-50 (TextConvNet): the paper's initial step size 0.01 and outer lr 0.01 stay at 11% for 100 steps; as for polarity
    'trec50_fixed_sldd_500': ('trec50', 'fixed', {'batch_size': 256, 'lr': 0.05, 'distill_lr': 0.1, 'decay_every': 125}),
    # polarity (maxlen 400): a real batch of 128 and 400 outer steps instead of 1,000 x the whole set (~10 s per step here);
    # with so few steps the step sizes must start larger and move faster: initial 0.1, outer lr 0.05 (the paper's 0.01 / 0.01 stay at chance)
    'polarity_fixed_sldd_2': ('polarity', 'fixed', {**POLARITY}),
    'polarity_fixed_sldd_20': ('polarity', 'fixed', {**POLARITY, 'per_class': 10}),
    'polarity_random_sldd_2': ('polarity', 'random', {**POLARITY}),
    'polarity_random_sldd_20': ('polarity', 'random', {**POLARITY, 'per_class': 10}),
    # the fixed-init MNIST rows below (and the size sweep) ran with the code's default initial step size 0.02 before the
    # preset took the paper's 0.01 (REFERENCE.md §3): pinned so that they stay reproducible and resumable
    'mnist_fixed_sldd_10': ('mnist', 'fixed', {**DLR02}),
    'mnist_fixed_dd_10': ('mnist', 'fixed', {'labels': 'hard', **DLR02}),
    'mnist_fixed_sldd_5': ('mnist', 'fixed', {'classes': [0, 1, 2, 3, 4], **DLR02}),
    # the paper's recipe as written (initial step size 0.01), seed 0
    'mnist_fixed_sldd_10_lr01': ('mnist', 'fixed', {**SELECT}),
    'mnist_fixed_sldd_5_lr01': ('mnist', 'fixed', {'classes': [0, 1, 2, 3, 4], **SELECT}),
    # SELECT: also keep the set scoring best on 10,000 fixed training samples (switched on when resuming
    # mnist_random_sldd_100 at step 11,000 and mnist_fixed_sldd_5_seed1 at step 9,000: earlier evaluations are not scored)
    'mnist_random_sldd_100': ('mnist', 'random', {**SELECT}),
    'mnist_random_dd_100': ('mnist', 'random', {'labels': 'hard', **SELECT}),
    # the first 50 of the paper's 400 epochs (2,900 outer steps), the point the original code was calibrated at here
    'mnist_random_sldd_100_e50': ('mnist', 'random', {'iterations': 2900}),
    'mnist_random_dd_100_e50': ('mnist', 'random', {'labels': 'hard', 'iterations': 2900}),
    # the same fixed-init recipes from another seed (another initial network, real-batch order and distilled start)
    'mnist_fixed_sldd_10_seed1': ('mnist', 'fixed', {'seed': 1, **SELECT}),  # not run yet: the paper's step size 0.01
    'mnist_fixed_sldd_5_seed1': ('mnist', 'fixed', {'classes': [0, 1, 2, 3, 4], 'seed': 1, **SELECT, **DLR02}),
}
# Figure 6: fixed-init SLDD with M = 1 ... 100 images (M < 10: one image for each of the first M classes), all on
# one shortened schedule (1,500 outer steps, step-size decay every 500) so the sizes compare like for like
SIZES = (1, 2, 3, 5, 10, 20, 50, 100)
SIZE_SCHEDULE = {'iterations': 1500, 'decay_every': 500, 'eval_every': 250, 'ckpt_every': 250, **DLR02}
RUNS.update({f'mnist_fixed_sldd_size{m}': ('mnist', 'fixed', {**SIZE_SCHEDULE, **({'classes': list(range(m))} if m < 10 else {'per_class': m // 10})})
             for m in SIZES})

def compact_history(h: list, every: int = 20) -> list:
    "The records of `h` that hold an evaluation, plus every `every`-th step and the last."
    return [r for i, r in enumerate(h) if 'acc' in r or r['it'] % every == 0 or i == len(h) - 1]

TRANSFER = {'lenet': ('lenet', 'mlp', 'alexcifarnet'), 'bilstm': ('bilstm', 'birnn', 'textconvnet'),
            'birnn': ('birnn', 'bilstm', 'textconvnet'), 'textconvnet': ('textconvnet', 'bilstm', 'birnn')}

def paper_task(name: str) -> tuple:
    "The paper-recipe fields (maxlen and max_vocab popped) and the task of run `name`; the raw dataset is not kept."
    ds_name, init, _ = RUNS[name]
    ds = load(ds_name)
    fields = preset(ds_name, 'paper', init, len(ds.y_train))
    maxlen, max_vocab = fields.pop('maxlen', 30), fields.pop('max_vocab', 5000)
    return fields, make_task(ds, maxlen, max_vocab), maxlen, max_vocab

def _finished(name: str):
    "results.json, its record, the run's task and its distilled set, for the finished run `name`."
    from dataset_distillation.distilled import load_distilled
    dst = ROOT/'results'/name
    if not (dst/'results.json').exists(): sys.exit(f"{dst/'results.json'} not found: run `python tools/paper_runs.py {name}` to the end first.")
    rec = json.loads((dst/'results.json').read_text())
    return dst, rec, paper_task(name)[1], load_distilled(dst/'distilled.safetensors')

def _save(name: str, dst: Path, rec: dict):
    if name in NOTES: rec['note'] = NOTES[name]  # the current note (it may have been written after the run started)
    atomic_write(dst/'results.json', lambda tmp: Path(tmp).write_text(json.dumps(rec, indent=1, default=float)))
    rd = ROOT/'runs'/name
    if (rd/'results.json').exists(): shutil.copy2(dst/'results.json', rd/'results.json')

def add_transfer(name: str, n: int = 10, protocols: tuple = ('replay', 'retrain')):
    "Cross-architecture results: the set applied to fresh networks of other architectures, replay and/or retrain (merged)."
    from dataclasses import asdict
    from dataset_distillation.evaluate import RetrainRecipe, summary, transfer
    dst, rec, task, d = _finished(name); c = rec['config']; t0 = time.time()
    out = rec.get('transfer', {})
    for m in TRANSFER.get(c['model'], (c['model'],)):
        out[m] = {**out.get(m, {}), **{p: summary(a) for p, a in transfer(d, task, m, n=n, protocol=protocols, seed=c['seed']).items()}}
        print(name, '->', m, {p: f"{100 * s['mean']:.2f} +- {100 * s['std']:.2f}" for p, s in out[m].items()}, flush=True)
    rec['transfer'] = out
    rec['transfer_config'] = {'n_nets': n, 'init': 'random (fresh Xavier draws)', 'retrain': asdict(RetrainRecipe()),
                              'seconds': round(time.time() - t0, 1), 'protocols_updated': list(protocols)}
    _save(name, dst, rec)

def _reload_check(name: str, rec: dict, task, d) -> dict:
    "The saved set (and the set selected on training samples, if any) reloaded and replayed on the recorded networks."
    from dataset_distillation.evaluate import evaluate_protocol
    from dataset_distillation.distilled import load_distilled
    c, n_eval = rec['config'], rec['distill_accuracy']['n']
    def check(ds, recorded):
        m = evaluate_protocol(ds, task, c['model'], 'replay', init=c['init'], n=n_eval, seed=c['seed']).mean().item()
        return {'replayed_mean': m, 'recorded_mean': recorded, 'n': n_eval, 'abs_diff': abs(m - recorded)}
    rec['reload_check'] = check(d, rec['distill_accuracy']['mean'])
    best = ROOT/'results'/name/'distilled_best.safetensors'
    if 'selected' in rec and best.exists():  # the selected set is reported too: check it the same way
        rec['reload_check']['selected'] = check(load_distilled(best), rec['selected']['distill_accuracy']['mean'])
    print(name, 'reload + replay', rec['reload_check'], flush=True)
    return rec

def reload_check(name: str):
    "Only the reload + replay check of the finished run `name` (no baselines)."
    dst, rec, task, d = _finished(name)
    _save(name, dst, _reload_check(name, rec, task, d))

def add_baselines(name: str, n_nets: int = 20):
    "Baselines (fixed lr and learned lrs) and a reload + replay check for the finished run `name`."
    dst, rec, task, d = _finished(name); c = rec['config']
    t0 = time.time()
    rec = _reload_check(name, rec, task, d)
    kind = 'text' if 'encoder' in task.extra else 'image'
    rec = add_comparisons(rec, task, DistillConfig(**c), d.lrs, kind, original=False, baselines=True, n_nets=n_nets, progress=False)
    if 'baselines_note' in rec: print(name, 'baselines skipped:', rec['baselines_note'], flush=True)
    for k, v in rec['baselines'].items():
        print(name, f"{k:15s} lr {rec['baselines_config']['fixed_lr']}: {100 * v['mean']:.2f} +- {100 * v['std']:.2f}   learned lrs: "
              f"{100 * rec['baselines_learned_lrs'][k]['mean']:.2f} +- {100 * rec['baselines_learned_lrs'][k]['std']:.2f}", flush=True)
    rec['baseline_seconds'] = round(time.time() - t0, 1)
    _save(name, dst, rec)

def refresh_original(name: str):
    "Recompute the full-data accuracy of a finished run with the current recipe (cached) and update its ratio."
    dst, rec, task, _ = _finished(name); c = rec['config']
    orig = original_accuracy(task, c['model'], seed=c['seed'], progress=False)
    print(name, 'original accuracy', rec.get('original_accuracy'), '->', orig, flush=True)
    rec.update(original_accuracy=orig, ratio=ratio(rec['distill_accuracy']['mean'], orig))
    _save(name, dst, rec)

NOTES = {'mnist_random_sldd_100_e50': "first 50 of the paper's 400 epochs", 'mnist_random_dd_100_e50': "first 50 of the paper's 400 epochs"}
NOTES.update({k: 'polarity stand-in for IMDB; real batch 128, 400 outer steps (decay every 100), outer lr 0.05, initial step size 0.1'
              for k in RUNS if k.startswith('polarity')})
NOTES['trec50_fixed_sldd_500'] = 'real batch 256, outer lr 0.05, initial step size 0.1, decay every 125 (the paper recipe stayed at 11% for 100 steps)'
NOTES.update({k: 'longer schedule than the paper: 1,000 steps, decay every 250, outer lr 0.05, initial step size 1.0' for k in RUNS if k.endswith('_long')})
NOTES.update({n: 'seed 1 (seed 0 is the main row); every seed tried is listed' for n in ('mnist_fixed_sldd_10_seed1', 'mnist_fixed_sldd_5_seed1')})
NOTES['mnist_fixed_sldd_5_seed1'] += '; selection on training samples from step 9,000 on'
for n in ('mnist_fixed_sldd_10', 'mnist_fixed_dd_10', 'mnist_fixed_sldd_5', 'mnist_fixed_sldd_5_seed1'):
    NOTES[n] = '; '.join(filter(None, [NOTES.get(n), "initial step size 0.02 (the code's default; the paper's recipe says 0.01)"]))
NOTES.update({n: "the paper's recipe with its initial step size 0.01, seed 0" for n in ('mnist_fixed_sldd_10_lr01', 'mnist_fixed_sldd_5_lr01')})
NOTES['mnist_random_sldd_100'] = 'resumed from the 50-epoch run; selection on training samples from step 11,000 on'
NOTES.update({f'mnist_fixed_sldd_size{m}': 'Figure 6 sweep: shortened schedule, 1,500 outer steps, decay every 500; initial step size 0.02' for m in SIZES})

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('name', nargs='?', choices=sorted(RUNS)); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--snapshot', action='store_true', help='copy current checkpoints into results/ and exit')
    ap.add_argument('--set', nargs='*', default=[], help='extra overrides key=value (python literals)')
    ap.add_argument('--baselines', action='store_true', help='add baselines and the reload check to a finished run')
    ap.add_argument('--baseline-nets', type=int, default=20, help='fresh networks per baseline set (random init)')
    ap.add_argument('--transfer', action='store_true', help='add cross-architecture results to a finished run')
    ap.add_argument('--transfer-nets', type=int, default=10, help='fresh target networks per architecture and protocol')
    ap.add_argument('--transfer-protocols', default='replay,retrain', help='protocols to (re)compute for --transfer, merged into the run')
    ap.add_argument('--reload-check', action='store_true', help='reload the saved set of a finished run and replay it (no baselines)')
    ap.add_argument('--notes', action='store_true', help="write the current notes into every finished run's results.json and exit")
    ap.add_argument('--original', action='store_true', help="recompute a finished run's full-data accuracy (current recipe) and ratio")
    a = ap.parse_args()
    if a.snapshot:
        for ck in sorted((ROOT/'runs').glob('*/checkpoint.pt')):
            if ck.parent.name not in RUNS or (ck.parent/'results.json').exists(): continue  # finished or not ours
            dst = ROOT/'results'/ck.parent.name; dst.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ck, dst/'checkpoint.pt'); print('snapshot', dst/'checkpoint.pt')
        sys.exit(0)
    if a.notes:
        for name in sorted(RUNS):
            dst = ROOT/'results'/name
            if name in NOTES and (dst/'results.json').exists():
                rec = json.loads((dst/'results.json').read_text())
                if rec.get('note') != NOTES[name]: _save(name, dst, rec); print('note updated:', name)
        sys.exit(0)
    if a.name is None: ap.error('name a run')
    torch.set_num_threads(a.threads)
    if a.baselines: add_baselines(a.name, a.baseline_nets)
    if a.transfer: add_transfer(a.name, a.transfer_nets, tuple(a.transfer_protocols.split(',')))
    if a.original: refresh_original(a.name)
    if a.reload_check: reload_check(a.name)
    if a.baselines or a.transfer or a.original or a.reload_check: sys.exit(0)
    run_dir, snap = ROOT/'runs'/a.name, ROOT/'results'/a.name/'checkpoint.pt'
    if not (run_dir/'checkpoint.pt').exists() and snap.exists():
        run_dir.mkdir(parents=True, exist_ok=True); shutil.copy2(snap, run_dir/'checkpoint.pt')
        print('resuming from', snap, flush=True)
    import ast
    over = {**RUNS[a.name][2], **{k: ast.literal_eval(v) for k, v in (s.split('=', 1) for s in a.set)}}
    fields, task, maxlen, max_vocab = paper_task(a.name)  # one copy of the data in memory (the task's)
    cfg = DistillConfig(**{**fields, **over})
    print(a.name, cfg, flush=True)
    t0 = time.time()
    orig = original_accuracy(task, cfg.model, seed=cfg.seed, progress=False)
    print(a.name, 'original accuracy', orig, f'({time.time() - t0:.0f} s)', flush=True)
    rec, d = run_task(task, cfg, run_dir, final_nets=10 if cfg.init == 'fixed' else 200,  # fixed: 10 replays only if they are random (dropout)
                      progress=False, run=a.name)
    rec.update(original_accuracy=orig, ratio=ratio(rec['distill_accuracy']['mean'], orig))
    if a.name in NOTES: rec['note'] = NOTES[a.name]
    if 'encoder' in task.extra:
        from dataset_distillation.plots import decoded_markdown
        (run_dir/'decoded.md').write_text(decoded_markdown(d.distilled(), task.extra['encoder'], max_words=maxlen))
        rec['text'] = {'maxlen': maxlen, 'max_vocab': max_vocab, 'glove_dim': 50, 'coverage': task.extra['encoder'].coverage}
    (run_dir/'results.json').write_text(json.dumps(rec, indent=1, default=float))
    dst = ROOT/'results'/a.name; dst.mkdir(parents=True, exist_ok=True)
    for f in ('results.json', 'distilled.safetensors', 'distilled_best.safetensors', 'decoded.md'):
        if (run_dir/f).exists(): shutil.copy2(run_dir/f, dst/f)
    if (run_dir/'history.json').exists():  # small enough to commit: every evaluation, and the loss every 20 steps
        (dst/'history.json').write_text(json.dumps(compact_history(json.loads((run_dir/'history.json').read_text()))))
    snap.unlink(missing_ok=True)  # finished: the snapshot is no longer needed
    print(a.name, 'accuracy', rec['distill_accuracy'], 'seconds', rec['seconds'], flush=True)
