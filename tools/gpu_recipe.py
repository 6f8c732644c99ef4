#!/usr/bin/env python
"""Run one recipe end to end, timed, with progress lines and a timing record rewritten as it goes.

    python tools/gpu_recipe.py RECIPE --out DIR --timing FILE.json [--name NAME] [--budget S] [--device cuda]
                               [--engine compile=True ...] [key=value ...]

The distillation is the library's own (`Distiller.fit` on the recipe, resuming DIR/checkpoint.pt if there is
one), then the recipe's final evaluation (and the selected set's, with `select_on`). No full-data training or
baselines: this measures the distillation. Every `--every` seconds a progress line is printed and the
record under NAME in FILE.json is rewritten (other runs' records in that file are kept), so a run stopped
from outside still leaves its s/step. With `--budget S` the run stops itself after S seconds of fitting,
writes a checkpoint, and records the extrapolation to the recipe's full length (exit 0; status 'budget').

`--engine k=v` sets `DistillConfig` fields that not every version of the engine has (compile, tf32,
deterministic): one the engine lacks is reported and left out. key=value words are run parameters
(`config.resolve`), e.g. iterations=50 for a smoke run.
"""
import argparse, json, os, platform, signal, sys, time
from dataclasses import fields
from pathlib import Path
import torch
from dataset_distillation.config import DistillConfig, auto_model, parse_overrides, resolve
from dataset_distillation.data import load
from dataset_distillation.distill import Distiller
from dataset_distillation.io import atomic_write
from dataset_distillation.task import make_task


class Stop(Exception): "Raised inside the step hook to leave `fit` (budget spent or SIGTERM)."

def write(path: Path, name: str, rec: dict):
    "Rewrite `name`'s record in the JSON file `path`, keeping the other records."
    try: allr = json.loads(path.read_text()) if path.exists() else {}
    except ValueError: allr = {}
    allr[name] = rec
    atomic_write(path, lambda tmp: Path(tmp).write_text(json.dumps(allr, indent=1, default=float)))

def main(a):
    t_start = time.perf_counter()
    have = {f.name for f in fields(DistillConfig)}
    engine = parse_overrides(a.engine)
    missing = sorted(set(engine) - have)
    engine = {k: v for k, v in engine.items() if k in have}
    params = {'recipe': a.recipe, 'out_dir': str(a.out), 'device': a.device, **parse_overrides(a.params), **engine}
    r = resolve(params)
    ds = load(r.dataset, data_dir=r.data_dir, **r.data_opts)
    r = r.on_data(len(ds.y_train))
    task, kind = make_task(ds, r.text), ds.kind; del ds
    cfg = DistillConfig(**{'model': auto_model(r.dataset, kind, task.in_shape), **r.cfg})
    a.out.mkdir(parents=True, exist_ok=True)
    d = Distiller(task, cfg, ckpt=a.out/'checkpoint.pt')
    if d.dev.type == 'cuda': torch.cuda.synchronize(d.dev)
    setup_s = time.perf_counter() - t_start
    it0, sec0 = d.it, d.seconds  # a resumed run: its checkpoint's steps and step seconds
    rec = {'recipe': a.recipe, 'params': params, 'device': str(d.dev), 'torch': torch.__version__, 'cuda': torch.version.cuda,
           'python': platform.python_version(), 'iterations': cfg.iterations, 'T': cfg.T, 'model': cfg.model,
           'engine_options': engine, 'engine_options_missing': missing, 'setup_s': round(setup_s, 2),
           'resumed_at': it0, 'resumed_step_s': round(sec0, 2), 'status': 'running'}
    if d.dev.type == 'cuda': rec['gpu'] = torch.cuda.get_device_name(d.dev)
    if missing: print(f"engine has no field(s) {missing}: left out", flush=True)
    print(f"{a.name}: {a.recipe} on {d.dev}, {cfg.iterations:,} outer steps (T={cfg.T}), setup {setup_s:.1f} s"
          + (f", resuming at step {it0:,}" if it0 else ''), flush=True)
    clock = {'t0': time.perf_counter(), 'last': 0.0, 'warm': None, 'eval': 0.0, 'ckpt': 0.0, 'n_eval': 0}

    def snapshot(status: str) -> dict:
        now = time.perf_counter() - clock['t0']
        done = d.it - it0
        rec.update(status=status, it=d.it, fit_wall_s=round(now, 2), step_s=round(d.seconds - sec0, 2),
                   eval_s=round(clock['eval'], 2), n_evals=clock['n_eval'], ckpt_s=round(clock['ckpt'], 2))
        if done: rec['s_per_step_all'] = now / done  # everything in the fit loop: steps, evaluations, checkpoints
        if clock['warm'] and done > a.warmup:
            tw, iw = clock['warm']
            steady = (now - tw) / (d.it - iw)
            rec.update(warmup_s=round(tw, 2), s_per_step=steady,  # steady state, evaluations and checkpoints included
                       extrapolated_fit_s=round(tw + (cfg.iterations - iw) * steady, 1))
        return rec

    def report(status: str):
        s = snapshot(status)
        eta = f", extrapolated fit {s['extrapolated_fit_s']:.0f} s for {cfg.iterations:,} steps" if 'extrapolated_fit_s' in s else ''
        rate = f", {1e3 * s['s_per_step']:.2f} ms/step steady" if 's_per_step' in s else ''
        print(f"[{a.name}] step {d.it:,}/{cfg.iterations:,}  fit {s['fit_wall_s']:.1f} s{rate} (evaluations {s['eval_s']:.1f} s){eta}", flush=True)
        write(a.timing, a.name, s)

    step, ev, ck = d.step, d._evaluate_into, d.save_checkpoint
    def hooked_step():  # the instance attribute shadows the method that `fit` calls: fit itself is unchanged
        loss = step()  # returns a Python float: the device has finished the step
        now = time.perf_counter() - clock['t0']
        if d.it - it0 == a.warmup: clock['warm'] = (now, d.it)
        if now - clock['last'] >= a.every: clock['last'] = now; report('running')
        if a.budget and now >= a.budget: raise Stop('budget')
        return loss
    def timed(fn, key):
        def f(*args):
            t = time.perf_counter(); out = fn(*args); clock[key] += time.perf_counter() - t
            if key == 'eval': clock['n_eval'] += 1
            return out
        return f
    d.step, d._evaluate_into, d.save_checkpoint = hooked_step, timed(ev, 'eval'), timed(ck, 'ckpt')
    def on_term(*_): raise Stop('terminated')
    signal.signal(signal.SIGTERM, on_term)
    try:
        d.fit(progress=False)
    except Stop as e:
        report(str(e))
        if str(e) == 'budget':
            ck(); print(f"[{a.name}] budget of {a.budget:.0f} s reached: checkpoint at step {d.it:,} in {a.out}", flush=True)
            return 0
        return 1
    report('fitted')
    t = time.perf_counter(); accs = d.evaluate(r.final_nets); rec['final_eval_s'] = round(time.perf_counter() - t, 2)
    rec['accuracy'] = {'mean': accs.mean().item(), 'std': accs.std().item() if len(accs) > 1 else 0.0, 'n': len(accs)}
    if d.best is not None:
        b = d.evaluate(r.final_nets, best=True)
        rec['selected'] = {'it': d.best['it'], 'accuracy': b.mean().item()}
    rec['total_s'] = round(time.perf_counter() - t_start, 2)  # setup + fit + final evaluation
    rec['status'] = 'done'; write(a.timing, a.name, rec)
    print(f"[{a.name}] done: {d.it - it0:,} steps, fit {rec['fit_wall_s']:.1f} s, total {rec['total_s']:.1f} s, "
          f"accuracy {100 * rec['accuracy']['mean']:.2f}%" + (f" (selected {100 * rec['selected']['accuracy']:.2f}%)" if 'selected' in rec else ''), flush=True)
    return 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('recipe')
    ap.add_argument('params', nargs='*', metavar='key=value')
    ap.add_argument('--out', type=Path, required=True, help='run folder (checkpoint)')
    ap.add_argument('--timing', type=Path, required=True, help='JSON file of timing records, one per --name')
    ap.add_argument('--name', default=None, help='record name (default: the recipe)')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--budget', type=float, default=0, help='seconds of fitting, then stop and extrapolate (0: none)')
    ap.add_argument('--every', type=float, default=10, help='seconds between progress lines and timing rewrites')
    ap.add_argument('--warmup', type=int, default=20, help='outer steps left out of the steady s/step (cuDNN autotuning, compilation, allocator growth)')
    ap.add_argument('--threads', type=int, default=0, help='torch.set_num_threads (0: leave it)')
    ap.add_argument('--engine', nargs='*', default=[], metavar='key=value', help='DistillConfig fields passed only if the engine has them')
    a = ap.parse_args()
    a.name = a.name or a.recipe
    if a.threads: torch.set_num_threads(a.threads)
    sys.exit(main(a))
