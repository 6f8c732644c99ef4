#!/usr/bin/env python
"""Every paper row's final set under the field's evaluations, in one table.

    nice -n 5 python paper/evaluation_table.py [RUN ...] [--budget MINUTES] [--redo]

Runs: every results/<run>/ with a distilled set whose recipe is a paper row (`config.PAPER_PRESETS`, or a recipe with
the paper's figure), schedule screens and one-setting variants left out; one run per recipe first (its lowest seed),
then the other seeds. For each: replay on the fixed network and on 200 fresh ones (the paper's protocol), retrain on
5 fresh networks (DC's recipe) with hard labels, with the set's labels (soft cross-entropy; KL to softmax(labels)),
with augmentation (images), the same-label random baseline (retrain and replay), DD-Ranking's gaps HLR and IOR and
its label-robust score, and for text the decoded-sentence accuracies. The real-data accuracy is the run's own
full-data accuracy (`original_accuracy`: the same network trained on the training set).

Resumable: each finished run is written to results/evaluation.json at once and skipped on the next call (--redo
recomputes). --budget stops starting new runs after that many minutes. results/evaluation.md is rewritten from the
JSON after every run. CPU seconds are counted per run (process time, one thread).
"""
import argparse, json, time
from dataclasses import fields
from pathlib import Path
import torch
from dataset_distillation.config import RECIPES, PAPER_PRESETS, _flat
from dataset_distillation.data import load
from dataset_distillation.distilled import load_distilled
from dataset_distillation.evaluate import (Augment, RetrainRecipe, evaluate_protocol, summary, label_gaps,
                                           same_label_random, decode_set)
from dataset_distillation.io import atomic_write
from dataset_distillation.task import TextOptions, make_task
import recipes  # noqa: F401  (registers the lab's recipes: records name them; paper/ is on the path)

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT/'results'
OUT_JSON, OUT_MD = RES/'evaluation.json', RES/'evaluation.md'
SKIP_NOTES = ('schedule screen', 'variant ')  # shorter schedules or one changed setting: not the recipe's final set

def recipe_of(run: str, rec: dict) -> str | None:
    "The recipe a run followed: as recorded, else the run's own name when it is a recipe."
    return rec.get('recipe') or (run if run in RECIPES else None)

def is_paper_row(name: str | None) -> bool:
    return bool(name) and (name in PAPER_PRESETS.values() or _flat(name)[3] is not None)

def canonical(name: str) -> bool:
    "A recipe that is the paper's (or its authors' logged) setting itself, not a changed one."
    note = RECIPES[name].note
    return note.startswith('paper:') or "the authors' logged run" in note or note.startswith("the paper's recipe")

def row_of(name: str) -> str | None:
    "The `PAPER_PRESETS` recipe that `name` is or extends."
    while name and name not in PAPER_PRESETS.values(): name = RECIPES[name].base
    return name

def paper_runs() -> list:
    "Runs in order: one per paper row, one per other paper-row recipe (the paper's own settings first), other seeds."
    runs = []
    for f in sorted(RES.glob('*/results.json')):
        rec, run = json.loads(f.read_text()), f.parent.name
        if not (f.parent/'distilled.safetensors').exists(): continue
        if any(s in rec.get('note', '') for s in SKIP_NOTES): continue
        name = recipe_of(run, rec)
        if is_paper_row(name): runs.append((name, rec.get('config', {}).get('seed', 0), run))
    runs.sort(key=lambda r: (r[1], r[2] != r[0], r[2]))  # lowest seed first; the run named after its recipe first
    lead, recipe = {}, {run: name for name, _, run in runs}
    for name, _, run in runs: lead.setdefault(name, run)
    hard = lambda run: _flat(recipe[run])[0].get('labels') == 'hard'  # DD rows after the soft-label ones
    lead = sorted(lead.values(), key=lambda run: (not canonical(recipe[run]), hard(run), run))
    rows = [next((r for r in lead if row_of(recipe[r]) == v), None) for v in PAPER_PRESETS.values()]
    rows = [r for r in rows if r]
    return rows + [r for r in lead if r not in rows] + [run for _, _, run in runs if run not in lead]

_TASK = {}
def task_for(rec: dict):
    "The run's task (the dataset in model space, text embedded as the run did); one kept in memory at a time."
    t = rec.get('text')
    opts = TextOptions(**{k.name: t[k.name] for k in fields(TextOptions) if k.name in t}) if t else None
    key = (rec['dataset'], repr(opts))
    if key not in _TASK:
        _TASK.clear()
        _TASK[key] = make_task(load(rec['dataset']), opts)
    return _TASK[key]

def stats(accs) -> dict:
    s = summary(accs)
    return {'mean': s['mean'], 'std': s['std'], 'n': s['n']}

def evaluate_run(run: str) -> dict:
    "Every column of the table for one run, with the CPU seconds each took."
    t0, w0, cpu = time.process_time(), time.time(), {}
    def timed(key, f):  # f() and its CPU seconds, under `key`
        c = time.process_time(); v = f(); cpu[key] = round(time.process_time() - c, 1); return v
    rec = json.loads((RES/run/'results.json').read_text())
    d, task = load_distilled(RES/run/'distilled.safetensors'), timed('task', lambda: task_for(rec))
    text, own = len(task.in_shape) == 2, d.meta.get('init', 'fixed')
    ev = lambda s, **kw: stats(evaluate_protocol(s, task, **kw))
    out = {'run': run, 'recipe': recipe_of(run, rec), 'dataset': rec['dataset'], 'model': d.meta['model'], 'init': own,
           'n_distilled': d.n_distilled, 'labels': d.meta.get('labels'), 'paper': _flat(recipe_of(run, rec))[3],
           'recorded': rec['distill_accuracy']['mean'],
           'replay_fixed': timed('replay_fixed', lambda: ev(d, init='fixed')),
           'replay_random': timed('replay_random', lambda: ev(d, init='random')),
           'retrain_kl': timed('retrain_kl', lambda: ev(d, protocol='retrain', recipe=RetrainRecipe(targets='kl')))}
    gaps = timed('label_gaps', lambda: label_gaps(d, task, real_hard=rec['original_accuracy']))
    out.update(retrain_hard=gaps['syn_hard'], retrain_soft=gaps['syn_soft'], same_label_retrain=gaps['rdm_soft'],
               real_hard=gaps['real_hard'], hlr=gaps['hlr'], ior=gaps['ior'], lrs=gaps['lrs'])
    aug = RetrainRecipe(augment=Augment())
    out['retrain_soft_aug'] = None if text else timed('retrain_soft_aug', lambda: ev(d, protocol='retrain', recipe=aug))
    out['same_label_replay'] = timed('same_label_replay', lambda: ev(same_label_random(d, task), init=own))
    if text:
        dec = decode_set(d, task.extra['encoder'])
        out['decoded_replay'] = timed('decoded_replay', lambda: ev(dec, init=own))
        out['decoded_retrain'] = timed('decoded_retrain', lambda: ev(dec, protocol='retrain'))
    out.update(cpu_seconds=round(time.process_time() - t0, 1), wall_seconds=round(time.time() - w0, 1))
    out['cpu_by_column'] = cpu
    return out

COLS = [('replay fixed', 'replay_fixed'), ('replay random (200)', 'replay_random'), ('retrain hard', 'retrain_hard'),
        ('retrain soft', 'retrain_soft'), ('retrain KL', 'retrain_kl'), ('retrain soft + aug', 'retrain_soft_aug'),
        ('same-label random, retrain soft', 'same_label_retrain'), ('same-label random, replay', 'same_label_replay'),
        ('decoded, replay', 'decoded_replay'), ('decoded, retrain soft', 'decoded_retrain')]

def pct(s) -> str:
    if s is None: return '–'
    return f"{100 * s['mean']:.1f}" + (f" ± {100 * s['std']:.1f}" if s['n'] > 1 and s['std'] > 0 else '')

def markdown(rows: list, left: list) -> str:
    head = ['run', 'init', 'M', *[c for c, _ in COLS], 'full data', 'HLR', 'IOR', 'LRS', 'CPU s']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in rows:
        gaps = [f"{100 * r[k]:.1f}" for k in ('real_hard', 'hlr', 'ior', 'lrs')]
        cells = [r['run'], r['init'], str(r['n_distilled']), *[pct(r.get(k)) for _, k in COLS], *gaps]
        cells.append(f"{r['cpu_seconds']:.0f}")
        lines.append('| ' + ' | '.join(cells) + ' |')
    cpu = sum(r['cpu_seconds'] for r in rows)
    intro = f"""# Evaluation as the field now does it

Generated by `paper/evaluation_table.py` from the final sets in `results/` ({len(rows)} runs, {cpu / 60:.0f} CPU
minutes on one thread). Accuracies in %, mean ± sd over networks. Every paper row's final set: **replay** runs the
learned steps with the learned step sizes (the paper's protocol) on the fixed network (`fixed`; for a random-init
set one Xavier draw) and on 200 fresh networks; **retrain** trains 5 fresh networks for 300 epochs with SGD
(momentum 0.9, lr 0.01, x0.1 at half; DC's recipe) on the set with its argmax classes (**hard**), its labels as
given (**soft**: soft cross-entropy to the labels with negative entries dropped and rows renormalised), towards
softmax(labels) (**KL**, temperature 1) and, for images, soft with DSA-style augmentation (scale, rotation, shift;
flips for colour images). **Same-label random**: one seeded draw of real training samples of the classes the set's
labels point to, given the set's own labels and step sizes, trained the same way. **Full data**: the run's
full-data accuracy (the same network trained on the training set; for text with frozen GloVe). The gaps are
DD-Ranking's (Li et al. 2025): HLR = full data - retrain hard, IOR = retrain soft - same-label random (retrain
soft), LRS = (e^a - e^-1) / (e - e^-1) with a = (IOR - HLR) / 2. **Decoded** (text): every word vector replaced by
its nearest vocabulary word's. Runs whose note marks a schedule screen or a one-setting variant are left out.
"""
    tail = f"\nNot evaluated yet: {', '.join(left)}.\n" if left else ''
    return intro + '\n' + '\n'.join(lines) + '\n' + tail

def write(done: dict):
    "Both outputs from the finished runs `done`, in `paper_runs` order (rows merged with what is on disk)."
    if OUT_JSON.exists():  # keep the rows another process wrote meanwhile
        done = {**{r['run']: r for r in json.loads(OUT_JSON.read_text())}, **done}
    order = paper_runs()
    rows = sorted(done.values(), key=lambda r: (order.index(r['run']) if r['run'] in order else len(order), r['run']))
    atomic_write(OUT_JSON, lambda tmp: Path(tmp).write_text(json.dumps(rows, indent=1)))
    left = [r for r in order if r not in done]
    atomic_write(OUT_MD, lambda tmp: Path(tmp).write_text(markdown(rows, left)))
    return done

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('runs', nargs='*')
    ap.add_argument('--budget', type=float, default=None, help='minutes after which no new run is started')
    ap.add_argument('--redo', action='store_true')
    ap.add_argument('--render', action='store_true', help='only rewrite the outputs from results/evaluation.json')
    a = ap.parse_args()
    torch.set_num_threads(1)
    done = {r['run']: r for r in json.loads(OUT_JSON.read_text())} if OUT_JSON.exists() else {}
    if a.render: write(done); return
    todo, start = a.runs or paper_runs(), time.time()
    for run in todo:
        if run in done and not a.redo: continue
        if a.budget is not None and time.time() - start > 60 * a.budget: break
        print(f'{run} ...', flush=True)
        done[run] = evaluate_run(run)
        print(f"{run}: {done[run]['cpu_seconds']:.0f} CPU s", flush=True)
        done = write(done)

if __name__ == '__main__':
    main()
