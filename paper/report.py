"""The paper's tables, seed studies and learning curves, built from the run records in `results/`."""

from __future__ import annotations
import json
from pathlib import Path
from dataset_distillation.evaluate.baselines import BASELINE_NAMES
import recipes  # noqa: F401  (registers the lab's recipes: records name them; paper/ is on the path)

__all__ = ['NAMES', 'STAND_IN', 'paper_rows', 'paper_target', 'BASELINE_NAMES', 'SEED_RECIPES', 'collect', 'fmt_result', 'paper_table', 'baseline_table',
           'transfer_table', 'size_sweep', 'size_table', 'accuracies', 'seed_study', 'seed_table', 'run_history',
           'learning_curves', 'late_swings', 'SPREAD', 'spread_study', 'spread_table',
           'CANDIDATES', 'candidate_study', 'candidate_table', 'candidate_curves']

NAMES = {'mnist': 'MNIST', 'cifar10': 'CIFAR-10', 'trec6': 'TREC-6', 'trec50': 'TREC-50', 'sst5': 'SST-5', 'imdb': 'IMDB',
         'lenet': 'LeNet', 'alexcifarnet': 'AlexCifarNet', 'bilstm': 'Bi-LSTM', 'birnn': 'Bi-RNN',
         'textconvnet': 'TextConvNet', 'convlstm': 'ConvLSTM'}
STAND_IN = {'imdb': ('polarity', 'polarity (1,500 Pang & Lee reviews) for IMDB'), 'cifar10': (None, 'not available offline')}


def paper_rows() -> list:
    """One row per figure of the paper, read from the recipes that hold it (`Recipe.paper`: the package's, then the
    lab's): its label, the figure as text, and the record fields a run of that row matches."""
    from dataset_distillation.config import N_CLASSES, RECIPES, DistillConfig, resolve
    rows = {}
    for name, rec in RECIPES.items():
        if not rec.paper or rec.dataset not in NAMES: continue
        c = DistillConfig(**resolve({'recipe': name}).cfg)
        n = c.steps * c.per_class * len(c.classes or range(N_CLASSES[rec.dataset]))
        image = rec.dataset in ('mnist', 'cifar10')
        what = f"{n} {'images' if image else 'sentences'}" + (f", {'SLDD' if c.labels == 'soft' else 'DD'}" if image else '')
        ds, note = STAND_IN.get(rec.dataset, (rec.dataset, None))
        key = (ds or rec.dataset, c.init, c.labels, n)
        rows.setdefault(key, dict(experiment=f"{NAMES[rec.dataset]} {NAMES[c.model]} {c.init} init, {what}",
                                  paper=str(rec.paper), recipe=name,
                                  match=dict(dataset=key[0], init=c.init, labels=c.labels, n_distilled=n),
                                  **({'stand_in': note} if note else {})))
    return list(rows.values())


def paper_target(recipe: str) -> float:
    "The paper's accuracy for `recipe`'s row as a fraction (for a dashed line on a learning curve)."
    from dataset_distillation.config import RECIPES
    return RECIPES[recipe].paper.acc / 100


def collect(root='results') -> list:
    "Every run record under `root` (`*/results.json`), with its folder name as `run`; unfinished runs as `in_progress`."
    out = []
    for d in sorted(p for p in Path(root).iterdir() if p.is_dir()) if Path(root).is_dir() else []:
        if (d/'results.json').exists():
            try: rec = json.loads((d/'results.json').read_text())
            except (OSError, ValueError) as e: raise ValueError(f"{d/'results.json'} is not readable JSON ({e}); rerun or delete that run.") from None
            out.append({'run': d.name, **rec})
        elif (d/'checkpoint.pt').exists(): out.append(_in_progress(d))
    return out

def _in_progress(d: Path) -> dict:
    "A record for an unfinished run, from its checkpoint snapshot: where it is and its last test accuracy."
    from dataset_distillation.distill import read_checkpoint
    s = read_checkpoint(d/'checkpoint.pt'); c = s['config']; ev = [h for h in s['history'] if 'acc' in h]
    return {'run': d.name, 'in_progress': True, 'seed': c['seed'], 'dataset': s.get('task', {}).get('name'), 'model': c['model'],
            'labels': c['labels'], 'init': c['init'], 'n_distilled': c['steps'] * c['per_class'] * len(c['classes'] or range(s['task']['n_classes'])) if 'task' in s else None,
            'iterations': s['it'], 'total_iterations': c['iterations'], 'protocol': 'replay',
            'distill_accuracy': {'mean': ev[-1]['acc'], 'std': ev[-1].get('acc_std', 0.0), 'n': 1} if ev else None}

def fmt_result(r: dict) -> str:
    "Accuracy with its spread and, when known, the distillation ratio r_M."
    if r.get('in_progress'):
        acc = f", last test accuracy {100 * r['distill_accuracy']['mean']:.2f}%" if r['distill_accuracy'] else ''
        return f"running: step {r['iterations']:,} of {r['total_iterations']:,}{acc}"
    acc = lambda a: f"{100 * a['mean']:.2f}%" + (f" +- {100 * a['std']:.2f} (n={a['n']})" if a.get('n', 1) > 1 else '')
    s = acc(r['distill_accuracy'])
    if r.get('ratio') is not None: s += f", r = {r['ratio']:.1f} (full {100 * r['original_accuracy']:.1f}%)"
    if r.get('ratio_trained_embedding') is not None:  # text: the paper's kind of denominator, the embedding trained too
        s += f", r_emb = {r['ratio_trained_embedding']:.1f} (full {100 * r['original_accuracy_trained_embedding']:.1f}%, embedding trained)"
    if sel := r.get('selected'):  # `select_on`: the set that scored best on training samples, beside the last one
        s += f"; set selected on {sel['select_on']:,} training samples (step {sel['it']:,}): {acc(sel['distill_accuracy'])}"
    return s

def _deviation(r: dict) -> str:
    "What differs from the paper's recipe that a reader should see (read from the run's config)."
    bs = (r.get('config') or {}).get('batch_size')
    return f'real batch {bs} (paper 1024)' if bs and bs != 1024 else ''

def _matches(r: dict, m: dict) -> bool: return all(r.get(k) == v for k, v in m.items())

def paper_table(records: list) -> str:
    "Markdown table 'paper vs this library' for every row of `paper_rows()`."
    lines = ['| experiment | paper | this library | run | protocol | outer steps | notes |', '|---|---|---|---|---|---|---|']
    for row in paper_rows():
        hits = [r for r in records if _matches(r, row['match'])]
        note = row.get('stand_in', '')
        if not hits: lines.append(f"| {row['experiment']} | {row['paper']} | not run yet | | | | {note} |"); continue
        for r in hits:
            lines.append(f"| {row['experiment']} | {row['paper']} | {fmt_result(r)} | {r['run']} | {r.get('protocol', 'replay')} | "
                         f"{r['iterations']:,} | {'; '.join(filter(None, [note, r.get('note', ''), _deviation(r)]))} |")
    return '\n'.join(lines)


def _pct(s: dict | None) -> str:
    if not s: return '—'
    return f"{100 * s['mean']:.1f}" + (f" +- {100 * s['std']:.1f}" if s.get('n', 1) > 1 else '')

def baseline_table(records: list, dataset: str) -> str:
    "Markdown table: each run of `dataset` with baselines, its accuracy, then the six baselines (fixed lr / learned lrs)."
    rows = [r for r in records if r.get('dataset') == dataset and r.get('baselines') and not r.get('in_progress')]
    head = ['run', 'model', 'init', 'labels', 'n', 'distilled'] + list(BASELINE_NAMES.values())
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in rows:
        b, bl = r['baselines'], r.get('baselines_learned_lrs', {})
        cells = [r['run'], r['model'], r['init'], r['labels'], str(r['n_distilled']), _pct(r['distill_accuracy'])]
        for k in BASELINE_NAMES:
            cells.append(_pct(b.get(k)) if k.startswith('knn') else f"{_pct(b.get(k))} / {_pct(bl.get(k))}")
        lines.append('| ' + ' | '.join(cells) + ' |')
    if not rows: lines.append(f"| no finished {dataset} run with baselines yet |" + ' |' * (len(head) - 1))
    return '\n'.join(lines)

def transfer_table(records: list) -> str:
    "Markdown table of every finished run's cross-architecture results."
    lines = ['| run | distilled on | evaluated on | replay | retrain |', '|---|---|---|---|---|']
    rows = [r for r in records if r.get('transfer') and not r.get('in_progress')]
    for r in rows:
        for m, res in r['transfer'].items():
            lines.append(f"| {r['run']} | {r['model']} ({r['init']} init) | {m}{' (same)' if m == r['model'] else ''} | "
                         f"{_pct(res.get('replay'))} | {_pct(res.get('retrain'))} |")
    if not rows: lines.append('| no finished run with transfer results yet | | | | |')
    return '\n'.join(lines)

def size_sweep(records: list,
               prefix: str = 'mnist_fixed_sldd_size',  # run folders `<prefix><M>`
               A: float = 90.0,  # the ratio that defines d_A, in percent
              ) -> dict:
    "The accuracy-vs-size curve of the finished runs `<prefix><M>` (paper Figure 6) with d_A read off it."
    from dataset_distillation.evaluate import distillation_size, ratio
    rows = sorted((r for r in records if r['run'].startswith(prefix) and r['run'][len(prefix):].isdigit()
                   and not r.get('in_progress')), key=lambda r: r['n_distilled'])
    origs = {r['original_accuracy'] for r in rows if r.get('original_accuracy') is not None}
    if len(origs) > 1: raise ValueError(f"The {prefix}* runs disagree on the full-data accuracy ({sorted(origs)}): "
                                        f"rerun them with the same model and seed.")
    orig = origs.pop() if origs else None
    sizes, accs = [r['n_distilled'] for r in rows], [r['distill_accuracy']['mean'] for r in rows]
    return {'runs': [r['run'] for r in rows], 'sizes': sizes, 'accs': accs,
            'stds': [r['distill_accuracy']['std'] for r in rows], 'original_accuracy': orig, 'A': A,
            'ratios': [ratio(a, orig) for a in accs] if orig else [],
            'd_A': distillation_size(sizes, accs, orig, A) if orig and rows else None}

def size_table(sweep: dict) -> str:
    "Markdown table of a `size_sweep`: M, accuracy, r_M, and the d_A it gives."
    lines = ['| distilled samples M | accuracy | r_M | run |', '|---|---|---|---|']
    for i, m in enumerate(sweep['sizes']):
        r = f"{sweep['ratios'][i]:.1f}" if sweep['ratios'] else '—'
        lines.append(f"| {m} | {100 * sweep['accs'][i]:.2f}% | {r} | {sweep['runs'][i]} |")
    if not sweep['sizes']: return '| no finished run of this sweep yet | | | |'
    d = sweep['d_A']
    lines.append(f"\nd_{sweep['A']:g} = {d if d is not None else 'not reached in this grid'}"
                 + (f" (full-data accuracy {100 * sweep['original_accuracy']:.2f}%)" if sweep['original_accuracy'] else ''))
    return '\n'.join(lines)

def accuracies(rec: dict) -> tuple:
    "A finished run's test accuracy: of its final set, and of the set `select_on` kept (None if it kept none)."
    return rec['distill_accuracy']['mean'], (rec.get('selected') or {}).get('distill_accuracy', {}).get('mean')

_EVAL_ONLY = ('seed', 'eval_every', 'eval_nets', 'ckpt_every', 'device', 'select_on')

def _summary(xs: list) -> dict | None:
    if not xs: return None
    import statistics as st
    return {'mean': st.fmean(xs), 'std': st.stdev(xs) if len(xs) > 1 else 0.0, 'min': min(xs), 'max': max(xs), 'n': len(xs)}

def seed_study(records: list, recipe: str) -> dict:
    "One finished run per seed of `recipe`'s training config, with the final and selected sets summarised over seeds."
    from dataset_distillation.config import DistillConfig, resolve
    from dataclasses import asdict
    plain = lambda c: json.loads(json.dumps(asdict(c)))
    want = {k: v for k, v in plain(DistillConfig(**resolve({'recipe': recipe}).cfg)).items() if k not in _EVAL_ONLY}
    dflt = plain(DistillConfig())  # a field a record predates had its default value in that run
    same = [r for r in records if not r.get('in_progress') and r.get('config') and all(r['config'].get(k, dflt[k]) == v for k, v in want.items())]
    own = lambda r: r['run'] in (recipe, f"{recipe}_seed{r['config']['seed']}")
    one = {}  # one run per seed: the recipe's own run first, then a run that is not a labelled variant
    for r in sorted(same, key=lambda r: (not own(r), 'variant' in r, r['run'])): one.setdefault(r['config']['seed'], r)
    runs = sorted(({'run': r['run'], 'seed': r['config']['seed'], **dict(zip(('last', 'selected'), accuracies(r)))} for r in one.values()),
                  key=lambda s: s['seed'])
    last = [s['last'] for s in runs]
    return {'recipe': recipe, 'runs': runs, 'last': _summary(last), 'selected': _summary([s['selected'] for s in runs if s['selected'] is not None]),
            'best_seed': max(runs, key=lambda s: s['last'])['seed'] if runs else None}

SEED_RECIPES = ('mnist_fixed_10', 'mnist_fixed_5', 'mnist_fixed_10_dd', 'mnist_fixed_10_dd_sldd', 'mnist_fixed_5_avg', 'mnist_fixed_10_lr03_avg',
                'mnist_fixed_10_long2', 'mnist_fixed_5_lr03_avg', 'trec6_fixed_6', 'sst5_fixed_5', 'trec50_fixed_50', 'trec50_fixed_50_long')
# the recipes run over several seeds: the README's seed table, paper/paper_results and results/seed_study.md list these

def seed_table(records: list, recipes: list) -> str:
    "Markdown: per recipe, the paper's figure, the best seed and the mean +- sd (min-max) over seeds, final and selected sets."
    from dataset_distillation.config import RECIPES
    pc = lambda v: f"{100 * v:.2f}%"
    span = lambda s: ('—' if not s else f"{pc(s['mean'])} (one seed: no spread yet)" if s['n'] == 1 else
                      f"{pc(s['mean'])} +- {100 * s['std']:.2f} ({pc(s['min'])}-{pc(s['max'])}, n={s['n']})")
    lines = ['| recipe | paper | best seed (final set) | mean over seeds, final set | mean over seeds, set selected on training samples | seeds: final / selected |',
             '|---|---|---|---|---|---|']
    for name in recipes:
        s, paper = seed_study(records, name), RECIPES[name].paper
        label = f"{name} (beyond the paper)" if RECIPES[name].note.startswith('beyond the paper') else name
        b = RECIPES[name].base
        # beyond the paper: the figure of the row it tries to beat
        paper = str(paper) if paper else f'— ({b}: {RECIPES[b].paper})' if b and RECIPES[b].paper else '—'
        if not s['runs']: lines.append(f"| {label} | {paper} | not run yet | | | |"); continue
        best = max(x['last'] for x in s['runs'])
        each = '; '.join(f"{x['seed']}: {100 * x['last']:.2f}" + (f" / {100 * x['selected']:.2f}" if x['selected'] is not None else '') for x in s['runs'])
        lines.append(f"| {label} | {paper} | {pc(best)} (seed {s['best_seed']}, best of {len(s['runs'])}) | {span(s['last'])} | {span(s['selected'])} | {each} |")
    return '\n'.join(lines)

def run_history(root, run: str) -> list:
    "The history of `run` under `root`: its `history.json` if finished, else its checkpoint snapshot's."
    d = Path(root)/run
    if (d/'history.json').exists(): return json.loads((d/'history.json').read_text())
    if (d/'checkpoint.pt').exists():
        from dataset_distillation.distill import read_checkpoint
        return read_checkpoint(d/'checkpoint.pt')['history']
    raise FileNotFoundError(f"{d} has no history.json or checkpoint.pt: run `python paper/runs.py {run}` first.")

def learning_curves(root,
                    panels: dict,  # panel title -> {run folder: legend label}
                    targets: dict | None = None,  # panel title -> the paper's accuracy (0-1), drawn dashed
                    width: float = 3.2):  # inches per panel
    "Test accuracy against outer step for groups of runs under `root`, one panel per group; a star marks a run's `select_on` pick."
    from matplotlib.figure import Figure
    from dataset_distillation.viz import plot_history
    targets = targets or {}
    fig = Figure(figsize=(width * len(panels), 2.6))
    for ax, (title, runs) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        missing = []
        for run, label in runs.items():
            try: hist = run_history(root, run)
            except FileNotFoundError: missing.append(label); continue
            if not any('acc' in h for h in hist): missing.append(label); continue
            plot_history(hist, ax=ax, label=label)
            rec = Path(root)/run/'results.json'
            if rec.exists() and (sel := json.loads(rec.read_text()).get('selected')):  # the set picked on training samples
                ax.plot([sel['it']], [sel['distill_accuracy']['mean']], marker='*', ms=9, ls='none', color=ax.lines[-1].get_color(),
                        label='_selected')  # '_': left out of the legend
        if title in targets: ax.axhline(targets[title], color='gray', ls='--', lw=0.8, label=f'paper {100 * targets[title]:.2f}%')
        ax.set_title(title + ('\n(not run yet: ' + ', '.join(missing) + ')' if missing else ''), fontsize=8)
        if ax.get_legend_handles_labels()[0]: ax.legend(fontsize=6, loc='lower right')
    fig.tight_layout()
    return fig

def late_swings(hist: list, key: str = 'acc') -> dict:
    "Mean, range, largest drop between consecutive evaluations and sd of `key` (test accuracy; 'select_acc': the training-sample score) over the second half of `hist`'s evaluations."
    ev = [h[key] for h in hist if key in h]
    if not ev: raise ValueError(f"the history holds no {key!r}: run with eval_every > 0 (and select_on > 0 for 'select_acc') to measure its swings.")
    late = ev[len(ev) // 2:]; mean = sum(late) / len(late)
    return {'late_evals': late, 'late_mean': mean, 'late_range': max(late) - min(late),
            'late_largest_drop': max((a - b for a, b in zip(late, late[1:])), default=0.0),
            'late_sd': (sum((v - mean) ** 2 for v in late) / len(late)) ** 0.5}

SPREAD = {'batch order': 'perm', 'fixed network': 'fixed', 'starting data': 'data'}  # label -> `streams` key reseeded


def spread_study(records: list, prefix: str = 'mnist_fixed_10_spread_') -> dict:
    """Where the spread over seeds comes from: runs `<prefix>base` and `<prefix><stream><k>`, each reseeding one random
    stream (`DistillConfig.streams`) of the base run. Per stream, the base run and its reseeded runs summarised."""
    by = {r['run'][len(prefix):]: r for r in records if r['run'].startswith(prefix) and not r.get('in_progress')}
    pending = sorted(r['run'] for r in records if r['run'].startswith(prefix) and r.get('in_progress'))
    base = by.get('base')
    out = {'prefix': prefix, 'base': None, 'streams': {}, 'pending': pending}
    if base: out['base'] = dict(zip(('last', 'selected'), accuracies(base)), run=base['run'])
    for label, key in SPREAD.items():
        runs = [by[k] for k in sorted(by) if k.startswith(key) and k[len(key):].isdigit()]
        group = ([base] if base else []) + runs  # the base run is draw 0 of every stream
        last = [accuracies(r)[0] for r in group]
        sel = [accuracies(r)[1] for r in group if accuracies(r)[1] is not None]
        out['streams'][label] = {'key': key, 'runs': [r['run'] for r in group], 'last': _summary(last),
                                 'selected': _summary(sel), 'last_each': last,
                                 'seconds': [r.get('seconds') for r in group]}
    return out


def spread_table(study: dict) -> str:
    "Markdown: per random stream, the final and selected sets' accuracy over the base run and its reseeded runs."
    pc = lambda v: f"{100 * v:.2f}%"
    span = lambda s: '—' if not s else (f"{pc(s['mean'])} +- {100 * s['std']:.2f} (range {100 * (s['max'] - s['min']):.2f}"
                                        f" points, n={s['n']})")
    lines = ['| reseeded stream | runs | final set: mean +- sd (range) | selected set: mean +- sd (range) | each final |',
             '|---|---|---|---|---|']
    for label, s in study['streams'].items():
        each = ', '.join(f"{100 * v:.2f}" for v in s['last_each'])
        lines.append(f"| {label} (`streams={{'{s['key']}': k}}`) | {len(s['runs'])} | {span(s['last'])} | "
                     f"{span(s['selected'])} | {each} |")
    if study['pending']: lines.append(f"\nStill running: {', '.join(study['pending'])}.")
    return '\n'.join(lines)


# Candidates for a recipe of our own that reaches the paper's MNIST figures on every seed: chosen on the training-sample
# score only (`select_on` training images scored at every evaluation), each on the full schedule, seed 0.
# run folder -> (the recipe it changes, what it changes)
CANDIDATES = {
    'mnist_fixed_10_lr03_avg_seed0': ('mnist_fixed_10', "outer lr 0.03 and the moving average of the sets (0.995): the "
                                      "short schedule screen's winner"),
    'mnist_fixed_10_e10': ('mnist_fixed_10', '1 step x 10 epochs over the same images (10 learned step sizes, not 3)'),
    'mnist_fixed_10_b2048': ('mnist_fixed_10', 'a real batch of 2048 (half the meta-gradient noise), the same outer steps'),
    'mnist_fixed_10_xreal': ('mnist_fixed_10', "the images start from random real training images of their class "
                             "(x_init='real'), not noise"),
    'mnist_fixed_10_long2': ('mnist_fixed_10', 'twice the schedule: 700 epochs (40,600 outer steps), halving every 70'),
    'mnist_fixed_5_avg': ('mnist_fixed_5', 'the moving average of the sets (0.995)'),
    'mnist_fixed_5_lr03_avg_seed0': ('mnist_fixed_5', 'outer lr 0.03 and the moving average of the sets (0.995)'),
    'mnist_fixed_5_e10': ('mnist_fixed_5', '1 step x 10 epochs over the same images (10 learned step sizes, not 3)'),
}


def _scores(hist: list) -> dict:
    """From a run's history: the training-sample score of its last evaluation, its mean over the second half of the
    evaluations (as `late_swings`) and its best, and the test accuracy of the last evaluation."""
    ev = [h for h in hist if h.get('select_acc') is not None]
    if not ev: return {}
    best, late = max(ev, key=lambda h: h['select_acc']), ev[len(ev) // 2:]
    return {'it': ev[-1]['it'], 'score_last': ev[-1]['select_acc'], 'score_late': sum(h['select_acc'] for h in late) / len(late),
            'score_best': best['select_acc'], 'best_it': best['it'], 'acc_last': ev[-1].get('acc')}


def candidate_study(records: list, root, candidates: dict | None = None) -> list:
    """Per candidate: its training-sample scores and test accuracies (final set, set kept on training samples), beside
    the same numbers for every seed of the recipe it changes that recorded a training-sample score; `same_seed` is the
    base recipe's run on the candidate's seed (the like-for-like comparison: the seed alone moves a run by points)."""
    candidates = CANDIDATES if candidates is None else candidates
    by = {r['run']: r for r in records}
    out = []
    for run, (base, what) in candidates.items():
        r = by.get(run)
        row = {'run': run, 'base': base, 'what': what, 'status': 'not run yet' if r is None else
               f"running: step {r['iterations']:,} of {r['total_iterations']:,}" if r.get('in_progress') else 'finished'}
        if r is not None:
            row.update(_scores(run_history(root, run)), seed=r['seed'] if r.get('in_progress') else r['config']['seed'])
            if not r.get('in_progress'): row['final'], row['selected'] = accuracies(r)
        seeds = [dict(_scores(run_history(root, s['run'])), run=s['run'], seed=s['seed'], final=s['last'], selected=s['selected'])
                 for s in seed_study(records, base)['runs']]
        row['base_seeds'] = [s for s in seeds if 'score_last' in s]
        row['same_seed'] = next((s for s in row['base_seeds'] if s['seed'] == row.get('seed')), None)
        out.append(row)
    return out


def candidate_table(study: list) -> str:
    """Markdown: each candidate's training-sample scores and test accuracies, beside its base recipe's run on the same
    seed and the mean over the base recipe's seeds."""
    pc = lambda v: '—' if v is None else f"{100 * v:.2f}"
    mean = lambda xs: sum(xs) / len(xs) if xs else None
    lines = ['| candidate | changes | status | training-sample score: late mean / last / best (step) | test: final set / set kept '
             'on training samples | base recipe, same seed: training-sample late mean / last; test final / kept '
             '| base recipe, mean over its seeds: training-sample late mean; test final |', '|---|---|---|---|---|---|---|']
    for c in study:
        score = (f"{pc(c['score_late'])} / {pc(c['score_last'])} / {pc(c['score_best'])} ({c['best_it']:,})"
                 if 'score_last' in c else '—')
        test = (f"{pc(c.get('final'))} / {pc(c.get('selected'))}" if 'final' in c else
                f"last evaluation {pc(c['acc_last'])}" if c.get('acc_last') is not None else '—')
        s, b = c['same_seed'], c['base_seeds']
        same = (f"seed {s['seed']} (`{s['run']}`): {pc(s['score_late'])} / {pc(s['score_last'])}; {pc(s['final'])} / "
                f"{pc(s['selected'])}") if s else '—'
        every = (f"{pc(mean([x['score_late'] for x in b]))}; {pc(mean([x['final'] for x in b]))} "
                 f"(seeds {', '.join(str(x['seed']) for x in b)})") if b else '—'
        lines.append(f"| {c['run']} | {c['what']} | {c['status']} | {score} | {test} | {same} | {c['base']}: {every} |")
    return '\n'.join(lines)


def candidate_curves(root, study: list, width: float = 3.4):
    """Training-sample score and test accuracy against outer step, one row of two panels per candidate: its base
    recipe's seeds in gray, the candidate in colour, the paper's figure dashed on the test panel."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(2 * width, 2.4 * len(study)))
    axes = fig.subplots(len(study), 2, squeeze=False)
    for (a_score, a_test), c in zip(axes, study):
        curve = lambda ax, hist, key, **kw: ax.plot(*zip(*[(h['it'], h[key]) for h in hist if h.get(key) is not None]), **kw)
        others = [s for s in c['base_seeds'] if s is not c['same_seed']]
        for s in others + ([c['same_seed']] if c['same_seed'] else []):  # the same seed drawn last, on top, in black
            h, same = run_history(root, s['run']), s is c['same_seed']
            label = (f"{c['base']}, seed {s['seed']} (same seed)" if same else
                     f"{c['base']}, seeds {', '.join(str(x['seed']) for x in others)}" if s is others[0] else '_')
            for ax, key in ((a_score, 'select_acc'), (a_test, 'acc')):
                curve(ax, h, key, color='k' if same else '0.7', lw=0.9 if same else 0.7, label=label)
        if c['status'] != 'not run yet':
            h = run_history(root, c['run'])
            for ax, key in ((a_score, 'select_acc'), (a_test, 'acc')): curve(ax, h, key, color='C3', lw=1.2, marker='o', ms=2, label=c['run'])
        a_test.axhline(paper_target(c['base']), color='k', ls='--', lw=0.8, label=f"paper {100 * paper_target(c['base']):.2f}%")
        a_score.set(title=f"{c['run']}: training-sample score", xlabel='outer step', ylabel='accuracy')
        a_test.set(title=f"{c['run']}: test accuracy", xlabel='outer step')
        for ax in (a_score, a_test):
            ax.title.set_fontsize(8); ax.set_ylim(max(ax.get_ylim()[0], ax.get_ylim()[1] - 0.3), None)  # the early climb cut off
            ax.legend(fontsize=6, loc='lower right')
    fig.tight_layout()
    return fig
