#!/usr/bin/env python
"""Long runs of named recipes, resumable: `python paper/runs.py NAME [NAME ...] [--seeds 1 2 ...]`.

Every run is a recipe: the package's (`dataset_distillation.config.RECIPES`) or the lab's (paper/recipes.py;
`--list` prints them all), run through the
experiment's one entry point (`experiment.run_experiment`). A run is called NAME, or NAME_seedN with
`--seeds`; its checkpoints live in runs/<run>/ (git-ignored) and its small outputs (results.json, the
compact history.json, the distilled sets, decoded.md) are copied to results/<run>/ when it ends.
Rerun the same command to resume. `--snapshot` copies the checkpoint of every unfinished run to
results/<run>/checkpoint.pt (small; committed), from which a fresh clone resumes.

`--seed-study` writes results/seed_study.md and .json: every seed of the recipes run over several seeds;
`--spread-study` and `--candidates` the spread study and the MNIST candidates the same way.

On a finished run: `--baselines` adds the paper's six baselines of the same size (fixed and learned step
sizes) and a reload + replay check, `--reload-check` only the check, `--transfer` cross-architecture
results, `--original` recomputes the full-data accuracy and r_M, `--notes` refreshes every record's note.
"""
import argparse, json, shutil, sys, time
from pathlib import Path
import torch
from dataset_distillation.config import RECIPES, parse_overrides, recipe_table, resolve
from dataset_distillation.distilled import load_distilled
from dataset_distillation.io import atomic_write
from dataset_distillation.experiment import run_experiment, run_summary
from dataset_distillation.task import make_task
import recipes  # noqa: F401  (registers the lab's recipes; paper/ is on the path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
BOOKKEEPING = ('eval_every', 'eval_nets', 'ckpt_every', 'device')  # --set of these alone leaves the run the recipe's own
OUTPUTS = ('results.json', 'distilled.safetensors', 'distilled_best.safetensors', 'decoded.md')

def compact_history(h: list, every: int = 20) -> list:
    "The records of `h` that hold an evaluation, plus every `every`-th step and the last."
    return [r for i, r in enumerate(h) if 'acc' in r or r['it'] % every == 0 or i == len(h) - 1]

def run_name(recipe: str, seed: int | None, tag: str | None = None) -> str:
    "NAME, NAME_TAG, NAME_seedN or NAME_TAG_seedN."
    return '_'.join([recipe] + ([tag] if tag else []) + ([f'seed{seed}'] if seed is not None else []))

def run(recipe: str, seed: int | None, overrides: dict, tag: str | None = None):
    "Run (or resume) `recipe` with `seed` (and `overrides`, named `tag`) into runs/<run>, then copy its small outputs into results/<run>."
    changed = sorted(set(overrides) - set(BOOKKEEPING))
    if changed and not tag: sys.exit(f"--set {', '.join(changed)} changes the recipe: name the variant with --tag TAG, so that it does not overwrite the recipe's own run")
    name = run_name(recipe, seed, tag)
    run_dir, dst = ROOT/'runs'/name, ROOT/'results'/name
    snap = dst/'checkpoint.pt'
    if not (run_dir/'checkpoint.pt').exists() and snap.exists():
        run_dir.mkdir(parents=True, exist_ok=True); shutil.copy2(snap, run_dir/'checkpoint.pt'); print('resuming from', snap, flush=True)
    params = {'recipe': recipe, 'out_dir': str(run_dir), **({'seed': seed} if seed is not None else {}), **overrides}
    r = resolve(params)  # checked once; run_experiment converts a schedule in epochs once the data is loaded
    print(name, r.cfg, flush=True)
    exp = run_experiment(r, progress=False)
    rec = {**exp.record, 'run': name}
    if tag:  # a labelled variant of the recipe: its note says what changed
        rec['variant'] = {'tag': tag, 'overrides': overrides}
        rec['note'] = f"variant {tag} of {recipe} ({RECIPES[recipe].note}): " + ', '.join(f'{k}={v!r}' for k, v in overrides.items())
    atomic_write(run_dir/'results.json', lambda tmp: Path(tmp).write_text(json.dumps(rec, indent=1, default=float)))
    dst.mkdir(parents=True, exist_ok=True)
    for f in OUTPUTS:
        if (run_dir/f).exists(): shutil.copy2(run_dir/f, dst/f)
    (dst/'history.json').write_text(json.dumps(compact_history(exp.distiller.history)))
    snap.unlink(missing_ok=True)  # finished: the snapshot is no longer needed
    print(name, run_summary(rec), sep='\n', flush=True)

# ------------------------------------------------------------------ work on finished runs
def _finished(name: str):
    "results.json of the finished run `name`, its resolved recipe, its task and its distilled set."
    dst = ROOT/'results'/name
    if not (dst/'results.json').exists(): sys.exit(f"{dst/'results.json'} not found: run `python paper/runs.py {name}` to the end first.")
    rec = json.loads((dst/'results.json').read_text())
    from dataset_distillation.data import load
    r = resolve({'recipe': rec.get('recipe') or name, 'seed': rec['config']['seed']})
    return dst, rec, make_task(load(r.dataset), r.text), load_distilled(dst/'distilled.safetensors')

def _save(name: str, dst: Path, rec: dict):
    recipe = rec.get('recipe') or name
    if recipe in RECIPES and 'variant' not in rec: rec['note'] = RECIPES[recipe].note
    atomic_write(dst/'results.json', lambda tmp: Path(tmp).write_text(json.dumps(rec, indent=1, default=float)))
    rd = ROOT/'runs'/name
    if (rd/'results.json').exists(): shutil.copy2(dst/'results.json', rd/'results.json')

TRANSFER = {'lenet': ('lenet', 'mlp', 'alexcifarnet'), 'bilstm': ('bilstm', 'birnn', 'textconvnet'),
            'birnn': ('birnn', 'bilstm', 'textconvnet'), 'textconvnet': ('textconvnet', 'bilstm', 'birnn')}

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

def _reload_check(rec: dict, task, d, dst: Path) -> dict:
    "The saved set (and the set selected on training samples, if any) reloaded and replayed on the recorded networks."
    from dataset_distillation.evaluate import evaluate_protocol
    c, n_eval = rec['config'], rec['distill_accuracy']['n']
    def check(ds, recorded):
        m = evaluate_protocol(ds, task, c['model'], 'replay', init=c['init'], n=n_eval, seed=c['seed']).mean().item()
        return {'replayed_mean': m, 'recorded_mean': recorded, 'n': n_eval, 'abs_diff': abs(m - recorded)}
    rec['reload_check'] = check(d, rec['distill_accuracy']['mean'])
    if 'selected' in rec and (dst/'distilled_best.safetensors').exists():  # the selected set is reported too: check it the same way
        rec['reload_check']['selected'] = check(load_distilled(dst/'distilled_best.safetensors'), rec['selected']['distill_accuracy']['mean'])
    print(dst.name, 'reload + replay', rec['reload_check'], flush=True)
    return rec

def reload_check(name: str):
    "Only the reload + replay check of the finished run `name` (no baselines)."
    dst, rec, task, d = _finished(name)
    _save(name, dst, _reload_check(rec, task, d, dst))

def add_baselines(name: str, n_nets: int = 20):
    "Baselines (fixed lr and learned lrs) and a reload + replay check for the finished run `name`."
    from dataset_distillation.config import DistillConfig
    from dataset_distillation.experiment import add_comparisons
    dst, rec, task, d = _finished(name); c = rec['config']; t0 = time.time()
    rec = _reload_check(rec, task, d, dst)
    kind = 'text' if 'encoder' in task.extra else 'image'
    rec = add_comparisons(rec, task, DistillConfig(**c), d.lrs, kind, original=False, baselines=True, n_nets=n_nets, progress=False)
    if 'baselines_note' in rec: print(name, 'baselines skipped:', rec['baselines_note'], flush=True)
    for k, v in rec['baselines'].items():
        print(name, f"{k:15s} lr {rec['baselines_config']['fixed_lr']}: {100 * v['mean']:.2f} +- {100 * v['std']:.2f}   learned lrs: "
              f"{100 * rec['baselines_learned_lrs'][k]['mean']:.2f} +- {100 * rec['baselines_learned_lrs'][k]['std']:.2f}", flush=True)
    rec['baseline_seconds'] = round(time.time() - t0, 1)
    _save(name, dst, rec)

def refresh_original(name: str):
    "Recompute both full-data accuracies of a finished run with the current recipe (cached) and update its ratios."
    from dataset_distillation.config import DistillConfig
    from dataset_distillation.data import load
    from dataset_distillation.evaluate import original_accuracy, ratio
    from dataset_distillation.experiment import denominators, trained_embedding
    dst, rec, task, _ = _finished(name); c = rec['config']
    orig = original_accuracy(task, c['model'], seed=c['seed'], progress=False)
    print(name, 'original accuracy', rec.get('original_accuracy'), '->', orig, flush=True)
    rec.update(original_accuracy=orig, ratio=ratio(rec['distill_accuracy']['mean'], orig))
    if 'original_accuracy_trained_embedding' in rec:  # text: denominator (b) too
        r = resolve({'recipe': rec.get('recipe') or name, 'seed': c['seed']})
        emb = trained_embedding(load(r.dataset), DistillConfig(**c), r.text, progress=False)
        print(name, 'trained-embedding accuracy', rec['original_accuracy_trained_embedding'], '->', emb, flush=True)
        rec.update(denominators(rec, emb))
    _save(name, dst, rec)

def write_seed_study(recipes=None):
    "results/seed_study.json (every seed, mean +- sd, min and max of the final and selected sets) and the same as a markdown table."
    from report import SEED_RECIPES, collect, seed_study, seed_table  # paper/ is on the path when run as a script
    records = collect(ROOT/'results')
    study = {r: seed_study(records, r) for r in recipes or SEED_RECIPES}
    atomic_write(ROOT/'results'/'seed_study.json', lambda tmp: Path(tmp).write_text(json.dumps(study, indent=1)))
    md = ('# Seed studies\n\nEvery finished run of each recipe, one per seed, from `results/`; written by '
          '`python paper/runs.py --seed-study`. "selected" is the set kept by `select_on` (training samples, never the test set).\n\n'
          + seed_table(records, list(study)) + '\n')
    atomic_write(ROOT/'results'/'seed_study.md', lambda tmp: Path(tmp).write_text(md))
    for r, s in study.items(): print(f"{r:24s} seeds {[x['seed'] for x in s['runs']]}")

def _write_study(name: str, study, intro: str, table: str):
    "results/<name>.json (the study) and results/<name>.md (`intro` and the markdown `table`), each written atomically."
    atomic_write(ROOT/'results'/f'{name}.json', lambda tmp: Path(tmp).write_text(json.dumps(study, indent=1)))
    md = intro + '\n\n' + table + '\n'
    atomic_write(ROOT/'results'/f'{name}.md', lambda tmp: Path(tmp).write_text(md))
    print(md)

def write_spread_study():
    "results/spread_study.json and .md: the spread of the paper's recipe over one random stream at a time."
    from report import collect, spread_study, spread_table
    study = spread_study(collect(ROOT/'results'))
    _write_study('spread_study', study,
                 "# Where the spread over seeds comes from\n\nThe paper's MNIST recipe (`mnist_fixed_10`: 10 images, fixed "
                 "network) on a fifth of its schedule (70 epochs, 4,060 outer steps, the outer learning rate halved every 406), "
                 "seed 0 (`spread_base`), then one random stream reseeded at a time with `streams` (paper/queue.txt): the real "
                 "batches' order, the fixed network's draw, the distilled data's starting noise. The base run counts as draw 0 "
                 "of every stream. Final set: at the end of the run; selected: the set kept by 10,000 training samples. Written "
                 "by `python paper/runs.py --spread-study`.", spread_table(study))

def write_candidates():
    "results/candidates.json and .md: every full-schedule MNIST candidate beside its base recipe on the same seed."
    from report import candidate_study, candidate_table, collect
    study = candidate_study(collect(ROOT/'results'), ROOT/'results')
    _write_study('candidates', study,
                 "# Candidates for the MNIST figures on every seed\n\nThe aim: 10 images with a mean of at least 96.13% over three "
                 "seeds and no seed below 95.5%; 5 images with a mean of at least 91.56%. Each candidate changes the paper's recipe "
                 "in one way, runs its full schedule (20,300 outer steps) on seed 0, and is judged only by its training-sample score "
                 "(10,000 training images scored every 580 outer steps; the late mean is over the second half of those evaluations) "
                 "against the paper's recipe on the same seed; the test accuracy is shown, never used to choose. Curves: "
                 "paper/paper_results.ipynb. Written by `python paper/runs.py --candidates`.", candidate_table(study))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='*', metavar='NAME', help='recipes to run (or finished runs, with the options below)')
    ap.add_argument('--seeds', type=int, nargs='*', help='run each recipe once per seed, as NAME_seedN')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--set', nargs='*', default=[], help='extra parameters key=value (python literals); needs --tag unless only eval_every, eval_nets, ckpt_every or device')
    ap.add_argument('--tag', help='name of the variant that --set makes: the run is NAME_TAG')
    ap.add_argument('--list', action='store_true', help='list the recipes and exit')
    ap.add_argument('--snapshot', action='store_true', help='copy current checkpoints into results/ and exit')
    ap.add_argument('--baselines', action='store_true', help='add baselines and the reload check to a finished run')
    ap.add_argument('--baseline-nets', type=int, default=20, help='fresh networks per baseline set (random init)')
    ap.add_argument('--transfer', action='store_true', help='add cross-architecture results to a finished run')
    ap.add_argument('--transfer-nets', type=int, default=10, help='fresh target networks per architecture and protocol')
    ap.add_argument('--transfer-protocols', default='replay,retrain', help='protocols to (re)compute for --transfer, merged into the run')
    ap.add_argument('--reload-check', action='store_true', help='reload the saved set of a finished run and replay it (no baselines)')
    ap.add_argument('--seed-study', action='store_true', help='write results/seed_study.md and .json and exit')
    ap.add_argument('--spread-study', action='store_true', help='write results/spread_study.md and .json and exit')
    ap.add_argument('--candidates', action='store_true', help='write results/candidates.md and .json and exit')
    ap.add_argument('--notes', action='store_true', help="write the current notes into every finished run's results.json and exit")
    ap.add_argument('--original', action='store_true', help="recompute a finished run's full-data accuracy (current recipe) and ratio")
    a = ap.parse_args()
    if a.list:
        for r in recipe_table(): print(f"{r['name']:28s} {r['dataset']:14s} {r['paper'] or '':38s}  {r['note']}")
        sys.exit(0)
    if a.snapshot:
        for ck in sorted((ROOT/'runs').glob('*/checkpoint.pt')):
            if (ck.parent/'results.json').exists() or not (ROOT/'results').exists(): continue  # finished
            dst = ROOT/'results'/ck.parent.name; dst.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ck, dst/'checkpoint.pt'); print('snapshot', dst/'checkpoint.pt')
        sys.exit(0)
    if a.seed_study: write_seed_study(); sys.exit(0)
    if a.spread_study: write_spread_study(); sys.exit(0)
    if a.candidates: write_candidates(); sys.exit(0)
    if a.notes:
        for f in sorted((ROOT/'results').glob('*/results.json')):
            rec = json.loads(f.read_text()); recipe = rec.get('recipe') or f.parent.name
            if recipe in RECIPES and 'variant' not in rec and rec.get('note') != RECIPES[recipe].note: _save(f.parent.name, f.parent, rec); print('note updated:', f.parent.name)
        sys.exit(0)
    if not a.names: ap.error('name a recipe (--list shows them)')
    torch.set_num_threads(a.threads)
    post = a.baselines or a.transfer or a.original or a.reload_check
    for name in a.names:
        if post:
            if a.baselines: add_baselines(name, a.baseline_nets)
            if a.transfer: add_transfer(name, a.transfer_nets, tuple(a.transfer_protocols.split(',')))
            if a.original: refresh_original(name)
            if a.reload_check: reload_check(name)
            continue
        if name not in RECIPES: sys.exit(f"{name!r} is not a recipe; `python paper/runs.py --list` shows them.")
        for seed in a.seeds or [None]: run(name, seed, parse_overrides(a.set), a.tag)
