#!/usr/bin/env python
"""Benchmark the outer step: speed, gradient overhead, n_nets scaling and memory (run on demand).

    python tools/bench.py [--quick] [--threads N] [--device cpu|cuda] [--compile] [--out results/bench.json]

On CUDA the default output is results/bench_cuda.json (+ .md), beside the CPU numbers, not over them.

Configurations, all with a real batch of 1024:
  A   MNIST/LeNet, fixed init, 1 step x 3 epochs (10 images): recipe mnist_fixed_10
  B1/B4/B8  MNIST/LeNet, random init, 10 x 3 (100 images), n_nets = 1, 4, 8: recipe mnist_random_100
  C   AlexCifarNet on random 32x32x3 inputs, fixed init, 10 x 3 (100 images): recipe cifar10_fixed_100
  D   TREC-6/Bi-LSTM, fixed init, 6 sentences: recipe trec6_fixed_6
  Ac  A with compile=True (`--compile`, when the engine's DistillConfig has that field): the outer step compiled
For each: seconds per `Distiller.step()` (data sampling included) after warm-up, the pure compute of
`meta_grad` on a fixed batch, its forward-only twin (the T inner steps and the real-batch loss under
`torch.no_grad`, no meta-gradient) and the ratio of the two (the gradient overhead). Then the peak
memory of the 'full' and 'bounded' meta-gradient modes at T = 30 and 100 and their gradient difference,
and the whole-process peak RSS of A, B1 and B4, each in a fresh subprocess. For A, B1 and B4 the original
code's algorithm (`reference_meta_grad` in tests/oracles.py: plain autograd, one network after another) and one
plain LeNet training step are timed in the same run, on the same batches: every ratio in the report compares figures
measured together, never figures from another machine or day. Writes the JSON to --out and a markdown
table beside it (same name, .md). Timings synchronise the GPU before and after; memory is the CUDA
allocator's peak on a GPU and the process's resident peak on a CPU.
`--quick` (3 steps per config, no D, no T = 100) is a smoke check of the script, not a measurement.
"""
import argparse, ctypes, dataclasses, gc, itertools, json, os, platform, resource, subprocess, sys, time, traceback
from pathlib import Path
import numpy as np
import torch, torch.nn.functional as F
from torch.func import vmap
from dataset_distillation.config import DistillConfig, resolve
from dataset_distillation.data import load
from dataset_distillation.distill import Distiller
from dataset_distillation.task import Task, image_task, make_task
from dataset_distillation.models import fwd
from dataset_distillation.unroll import meta_grad, outer_loss

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tests'))
from oracles import reference_meta_grad  # noqa: E402  (tests/oracles.py: the original code's algorithm)

# targets: outer step at most 3x its forward-only twin (LeNet); bounded memory at most 25% of the full graph at
# T=100; on a GPU, an outer step with n_nets=8 at most 2x one with n_nets=1 (networks batched, not in turn)
TARGET_OVERHEAD, TARGET_BOUNDED, TARGET_NETS_GPU = 3.0, 0.25, 2.0
REFERENCE = ('A', 'B1', 'B4')  # configurations also timed with the original's algorithm (B8 would take 8 networks in turn)
ENGINE_FIELDS = {f.name for f in dataclasses.fields(DistillConfig)}
CONFIGS = {  # name -> (task, recipe, overrides)
    'A': ('mnist', 'mnist_fixed_10', {}),
    'B1': ('mnist', 'mnist_random_100', {'n_nets': 1}),
    'B4': ('mnist', 'mnist_random_100', {'n_nets': 4}),
    'B8': ('mnist', 'mnist_random_100', {'n_nets': 8}),
    'C': ('random32', 'cifar10_fixed_100', {}),
    'D': ('trec6', 'trec6_fixed_6', {}),
    'Ac': ('mnist', 'mnist_fixed_10', {'compile': True}),  # only with --compile, and only if the engine has the field
}
OPTIONAL = ('Ac',)
LENET = ('A', 'B1', 'B4', 'B8')

# ---------------------------------------------------------------- helpers
_TASKS = {}
def get_task(name: str) -> Task:
    "The benchmark's task `name` (cached): real MNIST, real TREC-6 or random 32x32x3 images."
    if name not in _TASKS:
        if name == 'mnist': _TASKS[name] = image_task(load('mnist'))
        elif name == 'trec6': _TASKS[name] = make_task(load('trec6'), resolve({'recipe': CONFIGS['D'][1]}).text)
        elif name == 'random32':  # AlexCifarNet cost does not depend on the pixels: no CIFAR-10 download needed
            g = torch.Generator().manual_seed(0)
            x, y = torch.randn(4096, 3, 32, 32, generator=g), torch.randint(0, 10, (4096,), generator=g)
            _TASKS[name] = Task('random32', x, y, x[:256], y[:256], [str(i) for i in range(10)])
        else: raise ValueError(f"Unknown task {name!r}.")
    return _TASKS[name]

def make_config(name: str, device: str, **over) -> DistillConfig:
    "The recipe behind configuration `name`, with a real batch of 1024, no evaluation or checkpoints."
    task, recipe, extra = CONFIGS[name]
    run = resolve({'recipe': recipe, **extra, 'batch_size': 1024, 'device': device, 'eval_every': 0, 'ckpt_every': 0,
                   'select_on': 0, **over}).on_data(len(get_task(task).y_train))
    return DistillConfig(**run.cfg)

def _sync(dev: torch.device):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def peak_memory(fn, device='cpu') -> float | None:
    "Peak memory in MiB that `fn()` adds on `device`: the CUDA allocator's peak, or the rise of the resident peak (Linux)."
    gc.collect()
    if torch.device(device).type == 'cuda':
        torch.cuda.synchronize(device); torch.cuda.reset_peak_memory_stats(device); base = torch.cuda.memory_allocated(device)
        fn(); torch.cuda.synchronize(device)
        return (torch.cuda.max_memory_allocated(device) - base) / 2**20
    try:  # hand freed memory back to the system, then reset the kernel's high-water mark of resident memory
        ctypes.CDLL('libc.so.6').malloc_trim(0)
        with open('/proc/self/clear_refs', 'w') as f: f.write('5')
        rss = lambda key: int(next(l for l in open('/proc/self/status') if l.startswith(key)).split()[1])
        base = rss('VmRSS:')
    except (OSError, StopIteration, AttributeError): return None
    fn()
    return (rss('VmHWM:') - base) / 1024

def timeit(fn, n: int, warmup: int, dev: torch.device) -> list:
    "Wall-clock seconds of `n` calls of `fn` after `warmup` untimed ones."
    for _ in range(warmup): fn()
    ts = []
    for _ in range(n):
        _sync(dev); t0 = time.perf_counter(); fn(); _sync(dev); ts.append(time.perf_counter() - t0)
    return ts

def stats(ts: list) -> dict:
    "Median, p10 and p90 of timings `ts` in seconds."
    a = np.asarray(ts)
    return {'median': float(np.median(a)), 'p10': float(np.percentile(a, 10)), 'p90': float(np.percentile(a, 90)), 'n': len(a)}

def forward_only(model, x, y, raw, params0: dict, xb, yb, transform: str = 'none'):
    "The computation `meta_grad` differentiates, without the meta-gradient: T inner steps + real-batch loss."
    n = next(iter(params0.values())).shape[0]
    with torch.no_grad():  # the inner `grad` still runs (a function transform ignores the outer no_grad)
        if n == 1: return outer_loss(model, x, y, raw, {k: v[0] for k, v in params0.items()}, xb, yb, transform)
        f = vmap(lambda p: outer_loss(model, x, y, raw, p, xb, yb, transform), randomness='different')
        return f(params0).mean()

def plain_train_step(model, params: dict, xb, yb):
    "One ordinary training step (forward + backward) of network 0 of `params` on the real batch: the machine's pace."
    w = {k: v[0].detach().requires_grad_() for k, v in params.items()}
    return lambda: torch.autograd.grad(F.cross_entropy(fwd(model, w, xb), yb), list(w.values()))

def machine(device: str) -> dict:
    "What the numbers were measured on."
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): cpu = platform.processor() or 'unknown'
    info = {'cpu': cpu, 'threads': torch.get_num_threads(), 'torch': torch.__version__, 'python': platform.python_version(),
            'device': device, 'cpu_count': len(os.sched_getaffinity(0))}
    if torch.device(device).type == 'cuda': info['gpu'] = torch.cuda.get_device_name(torch.device(device))
    try: info['commit'] = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError: pass
    return info

# ---------------------------------------------------------------- measurements
def bench_config(name: str, device: str, n: int, warmup: int) -> dict:
    "Outer-step, compute, data and forward-only timings of configuration `name` (`warmup` untimed outer steps first)."
    cfg = make_config(name, device)
    d = Distiller(get_task(CONFIGS[name][0]), cfg)
    dev, c = d.dev, d.cfg
    losses = []
    step = timeit(lambda: losses.append(d.step()), n, max(warmup, 1), dev)
    it = itertools.count(d.it)  # fresh step indices: a new permutation and fresh inits each call, as in training
    data = timeit(lambda: (i := next(it), d.real_batch(i), d.inits(i)), n, 0, dev)
    xb, yb = d.real_batch(0); p0 = d.inits(0)
    x, y, raw = d.x.detach(), d.y.detach(), d.raw.detach()
    compute = timeit(lambda: meta_grad(d.model, x, y, raw, p0, xb, yb, c.label_transform, c.memory), n, min(warmup, 1), dev)
    fwd = timeit(lambda: forward_only(d.model, x, y, raw, p0, xb, yb, c.label_transform), n, 1, dev)
    r = {'config': {k: getattr(c, k) for k in ('model', 'init', 'n_nets', 'steps', 'epochs', 'per_class', 'batch_size', 'memory')},
         'T': c.T, 'n_distilled': c.steps * d.x.shape[1], 'step_s': stats(step), 'compute_s': stats(compute),
         'data_s': stats(data), 'forward_s': stats(fwd), 'last_loss': losses[-1]}
    r['overhead'] = r['step_s']['median'] / r['forward_s']['median']          # outer step / forward only
    r['compute_overhead'] = r['compute_s']['median'] / r['forward_s']['median']  # meta_grad / forward only
    if name in LENET: r['overhead_met'] = r['overhead'] <= TARGET_OVERHEAD
    if name in REFERENCE:  # the original's algorithm in plain autograd, timed here on the same batch
        ref = timeit(lambda: reference_meta_grad(d.model, x, y, raw, p0, xb, yb), n, 1, dev)
        r['reference_s'] = stats(ref)
        r['speedup_vs_reference'] = r['reference_s']['median'] / r['compute_s']['median']
        r['plain_train_step_s'] = stats(timeit(plain_train_step(d.model, p0, xb, yb), n, 1, dev))
        if name == 'A':   # one network, no kinks crossed: the two gradients agree to float32 rounding (TF32 convolutions on a GPU: less)
            _, g1 = meta_grad(d.model, x, y, raw, p0, xb, yb, c.label_transform, c.memory)
            _, g2 = reference_meta_grad(d.model, x, y, raw, p0, xb, yb)
            r['reference_rel_diff'] = max(((a - b).norm() / a.norm().clamp_min(1e-30)).item() for a, b in zip(g1, g2))
    return r

def bench_memory(epochs: int, device: str) -> dict:
    "Peak memory of the 'full' and 'bounded' modes for LeNet, 10 x `epochs` steps of 10 images, and their gradient difference."
    cfg = make_config('A', device, steps=10, epochs=epochs)
    d = Distiller(get_task('mnist'), cfg)
    xb, yb = d.real_batch(0)
    args = (d.model, d.x.detach(), d.y.detach(), d.raw.detach(), d.theta0, xb, yb, cfg.label_transform)
    out, mib = {}, {}
    for mode in ('full', 'bounded'):
        meta_grad(*args, mode=mode)  # warm-up: one-off allocations (thread pools, kernels) are not the mode's
        mib[mode] = peak_memory(lambda: out.__setitem__(mode, meta_grad(*args, mode=mode)), device)
    (lf, gf), (lb, gb) = out['full'], out['bounded']
    rel = max(((a - b).norm() / a.norm().clamp_min(1e-30)).item() for a, b in zip(gf, gb))
    r = {'T': cfg.T, 'full_mib': mib['full'], 'bounded_mib': mib['bounded'], 'rel_grad_diff': rel,
         'loss_diff': abs(lf.item() - lb.item()), 'grad_diff_ok': rel < 1e-5,
         'how': 'CUDA allocator peak' if d.dev.type == 'cuda' else 'RSS high-water mark above the baseline'}
    if None not in mib.values():
        r['bounded_over_full'] = mib['bounded'] / mib['full']
        if cfg.T >= 100: r['bounded_met'] = r['bounded_over_full'] <= TARGET_BOUNDED
    return r

def rss_child(name: str, device: str, steps: int):
    "Fresh-process run of configuration `name`: load data, build the Distiller, take `steps` steps; print peak RSS."
    d = Distiller(get_task(CONFIGS[name][0]), make_config(name, device))
    for _ in range(steps): d.step()
    r = {'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'steps': steps}  # Linux: KiB
    if d.dev.type == 'cuda': r['cuda_peak_mib'] = torch.cuda.max_memory_allocated(d.dev) / 2**20
    print(json.dumps(r))

def bench_rss(name: str, args) -> dict:
    "Peak RSS of a fresh process running configuration `name`."
    cmd = [sys.executable, __file__, '--rss-child', name, '--threads', str(args.threads), '--device', args.device,
           '--rss-steps', str(2 if args.quick else 5)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if p.returncode: raise RuntimeError(f"subprocess exited with {p.returncode}: {p.stderr.strip()[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])

# ---------------------------------------------------------------- report
def _f(v, fmt='{:.3f}', none='—'): return none if v is None else fmt.format(v)
def _ok(v): return '—' if v is None else ('yes' if v else 'no')

def n_nets_scaling(res: dict) -> dict | None:
    "Step and compute time at n_nets=8 over n_nets=1, when both configurations were measured."
    b1, b8 = res['configs'].get('B1', {}), res['configs'].get('B8', {})
    if 'step_s' not in b1 or 'step_s' not in b8: return None
    return {'step': b8['step_s']['median'] / b1['step_s']['median'], 'compute': b8['compute_s']['median'] / b1['compute_s']['median']}

DESC = {'A': 'A MNIST/LeNet fixed', 'B1': 'B MNIST/LeNet random, n_nets=1', 'B4': 'B n_nets=4', 'B8': 'B n_nets=8',
        'C': 'C AlexCifarNet 32x32x3 fixed', 'D': 'D TREC-6/Bi-LSTM fixed', 'Ac': 'A compiled (compile=True)'}

def markdown(res: dict) -> str:
    "The results as a markdown report: every figure and ratio from this run alone."
    m, ds = res['machine'], {r['date'] for r in res['configs'].values() if 'date' in r}
    gpu = m['device'].startswith('cuda')
    lines = ['# Outer-step benchmark', '',
             f"Machine: {m['cpu']} ({m['cpu_count']} cores visible), {m['threads']} torch threads, torch {m['torch']}, "
             f"device {m['device']}{' (' + m['gpu'] + ')' if 'gpu' in m else ''}; commit {m.get('commit', '?')}; last updated {max([res['date'], *ds])}"
             + (f" (configurations measured {', '.join(sorted(ds))})" if len(ds) > 1 else '') + '.', '']
    if res['quick']: lines += ['**Quick smoke run (3 steps per config): these numbers are not a measurement.**', '']
    lines += [f"Real batch 1024. Step = one `Distiller.step()` (data sampling included), median of {res['n_steps']} after warm-up "
              "(p10-p90 in brackets); compute = `meta_grad` alone on a fixed batch; forward = the same T inner steps and "
              "real-batch loss without the meta-gradient; overhead = step / forward (compute / forward in brackets), "
              f"target <= {TARGET_OVERHEAD} for LeNet.", '',
              f"| config | T | step s | compute s | data s | forward s | overhead | <= {TARGET_OVERHEAD} | peak {'GPU' if gpu else 'RSS'} MiB |",
              '|---|---|---|---|---|---|---|---|---|']
    for name in CONFIGS:
        r, rs = res['configs'].get(name), res['rss'].get(name) or {}
        if r is None and name in OPTIONAL: continue
        c = (r or {}).get('config', {})
        desc = DESC[name] + (f" {c['steps']}x{c['epochs']}" if 'steps' in c else '')
        if r is None: lines.append(f'| {desc} | skipped |' + ' |' * 7); continue
        if 'error' in r: lines.append(f"| {desc} | error: {r['error'].splitlines()[0][:120]} |" + ' |' * 7); continue
        s = r['step_s']
        peak = rs.get('cuda_peak_mib', rs.get('rss_mib'))
        lines.append(f"| {desc} | {r['T']} | {s['median']:.3f} ({s['p10']:.3f}-{s['p90']:.3f}) | {r['compute_s']['median']:.3f} "
                     f"| {r['data_s']['median']:.3f} | {r['forward_s']['median']:.3f} | {r['overhead']:.2f} ({r['compute_overhead']:.2f}) "
                     f"| {_ok(r.get('overhead_met'))} | {_f(peak, '{:.0f}')} |")
    if 'Ac' in res['configs'] and 'step_s' in res['configs']['Ac'] and 'step_s' in res['configs'].get('A', {}):
        a, ac = res['configs']['A']['step_s']['median'], res['configs']['Ac']['step_s']['median']
        lines += ['', f"Compiled outer step (config A): {ac:.4f} s against {a:.4f} s eager, {a / ac:.2f}x (the compute column of Ac is the eager `meta_grad`)."]
    refs = {k: r for k, r in res['configs'].items() if 'reference_s' in r}
    if refs:
        lines += ['', '**Against the original algorithm, same run.** `reference_meta_grad` computes the same meta-gradient the way the '
                  'original code does (flat weights, plain autograd with `create_graph`, one Hessian-vector product per step in '
                  'reverse, networks one after another), timed in this run on the same batches; one ordinary plain-PyTorch '
                  'LeNet training step (forward + backward) at batch 1024 shows the machine\'s pace.', '',
                  '| config | our compute s | reference s | speed-up vs reference | plain LeNet train step s |', '|---|---|---|---|---|']
        for k, r in refs.items():
            lines.append(f"| {k} | {r['compute_s']['median']:.3f} | {r['reference_s']['median']:.3f} | {r['speedup_vs_reference']:.2f}x "
                         f"| {r['plain_train_step_s']['median']:.3f} |")
        if 'reference_rel_diff' in refs.get('A', {}):
            lines += ['', f"Config A: our gradient and the reference's agree to {refs['A']['reference_rel_diff']:.1e} (relative). "
                      "With 30 steps from random inits, single networks can differ more: oneDNN and the native kernels round "
                      "differently, and a max-pool or ReLU tie resolved the other way changes the second-order terms."]
    sc = n_nets_scaling(res)
    if sc: lines += ['', f"n_nets scaling (config B): step time at n_nets=8 / n_nets=1 = {sc['step']:.2f} (compute only: {sc['compute']:.2f}; "
                     f"one network after another would be 8)" + (f"; target on a GPU <= {TARGET_NETS_GPU}: {_ok(sc['step'] <= TARGET_NETS_GPU)}." if gpu else '.')]
    lines += ['', 'Peak memory of one `meta_grad` call, LeNet, 10 distilled images per step, real batch 1024 '
              f"({next(iter(res['memory'].values()), {}).get('how', '')}):", '',
              f'| T | full MiB | bounded MiB | bounded / full | <= {TARGET_BOUNDED:.0%} at T=100 | rel. grad difference | < 1e-5 |', '|---|---|---|---|---|---|---|']
    for T, r in res['memory'].items():
        if 'error' in r: lines.append(f"| {T} | error: {r['error'].splitlines()[0][:120]} | | | | | |"); continue
        lines.append(f"| {T} | {_f(r['full_mib'], '{:.1f}')} | {_f(r['bounded_mib'], '{:.1f}')} | {_f(r.get('bounded_over_full'), '{:.0%}')} "
                     f"| {_ok(r.get('bounded_met'))} | {r['rel_grad_diff']:.1e} | {_ok(r['grad_diff_ok'])} |")
    if 'memory_measured' in res: lines += ['', f"(Memory table measured separately: commit {res['memory_measured']['commit']}, {res['memory_measured']['date']}.)"]
    errs = {k: v['error'] for k, v in res['rss'].items() if 'error' in v}
    if errs: lines += [''] + [f"Peak RSS of {k} failed: {e.splitlines()[0][:200]}" for k, e in errs.items()]
    return '\n'.join(lines) + '\n'

def _try(fn, *a) -> dict:
    "Run one measurement; on failure record the error instead of stopping the benchmark."
    try: return fn(*a)
    except Exception as e:
        traceback.print_exc()
        return {'error': f'{type(e).__name__}: {e}', 'traceback': traceback.format_exc()[-4000:]}

def main(args):
    torch.set_num_threads(args.threads)
    if args.rss_child: return rss_child(args.rss_child, args.device, args.rss_steps)
    if args.render:  # no measurement: rewrite the markdown from the JSON
        out = Path(args.out or ROOT/'results'/'bench.json'); res = json.loads(out.read_text()); out.with_suffix('.md').write_text(markdown(res)); return print(f'wrote {out.with_suffix(".md")}')
    if args.device.startswith('cuda') and not torch.cuda.is_available(): sys.exit(f"--device {args.device}: CUDA is not available here; use --device cpu.")
    n, warmup = (3, 0) if args.quick else (args.steps, 3)
    out = Path(args.out or ROOT/'results'/('bench_cuda.json' if args.device.startswith('cuda') else 'bench.json'))
    md = out.with_suffix('.md'); out.parent.mkdir(parents=True, exist_ok=True)
    res = {'machine': machine(args.device), 'date': time.strftime('%Y-%m-%d %H:%M'), 'quick': args.quick, 'n_steps': n,
           'configs': {}, 'memory': {}, 'rss': {}}
    print(json.dumps(res['machine']), flush=True)
    if args.configs and not args.memory_only and out.exists():  # a subset: merged into the existing table
        res = {**json.loads(out.read_text()), 'machine': res['machine'], 'date': res['date']}
        if args.no_memory: res.setdefault('memory', {}); res.setdefault('rss', {})
    if args.memory_only:
        res = {**json.loads(out.read_text()), 'memory': {}} if out.exists() else res
        res['memory_measured'] = {'date': time.strftime('%Y-%m-%d %H:%M'), 'commit': machine(args.device).get('commit')}
    def save():
        out.write_text(json.dumps(res, indent=1)); md.write_text(markdown(res))
    only = set(args.configs.split(',')) if args.configs else set(CONFIGS) - set(OPTIONAL)
    if only - set(CONFIGS): sys.exit(f"--configs: unknown {sorted(only - set(CONFIGS))}; choose from {', '.join(CONFIGS)}.")
    if args.compile:
        if 'compile' in ENGINE_FIELDS: only.add('Ac')
        else: print("--compile: this engine's DistillConfig has no 'compile' field; config Ac skipped", flush=True)
    for name in CONFIGS:
        if (args.quick and name == 'D' and not args.configs) or name not in only or args.memory_only: continue
        t0 = time.perf_counter()
        res['configs'][name] = r = _try(bench_config, name, args.device, n, warmup)
        r['date'] = time.strftime('%Y-%m-%d %H:%M')
        msg = r['error'] if 'error' in r else (f"step {r['step_s']['median']:.3f} s (p10 {r['step_s']['p10']:.3f}, p90 {r['step_s']['p90']:.3f}), "
                                               f"compute {r['compute_s']['median']:.3f}, data {r['data_s']['median']:.3f}, "
                                               f"forward {r['forward_s']['median']:.3f}, overhead {r['overhead']:.2f}"
                                               + (f", {r['speedup_vs_reference']:.2f}x faster than the reference" if 'speedup_vs_reference' in r else ''))
        print(f"{name}: {msg}  [{time.perf_counter() - t0:.0f} s]", flush=True); save()
    if sc := n_nets_scaling(res):
        res['n_nets_scaling'] = sc; save()
        print(f"n_nets scaling 8/1: {sc['step']:.2f}", flush=True)
    for epochs in (() if args.no_memory else (3,) if args.quick else (3, 10)):
        res['memory'][str(10 * epochs)] = r = _try(bench_memory, epochs, args.device)
        print(f"memory T={10 * epochs}: " + (r['error'] if 'error' in r else
              f"full {_f(r['full_mib'], '{:.1f}')} MiB, bounded {_f(r['bounded_mib'], '{:.1f}')} MiB, rel grad diff {r['rel_grad_diff']:.1e}"), flush=True)
        save()
    for name in (() if args.no_memory or args.memory_only else [c for c in args.rss.split(',') if c]):
        res['rss'][name] = r = _try(bench_rss, name, args)
        print(f"peak RSS {name}: " + (r['error'] if 'error' in r else f"{r['rss_mib']:.0f} MiB"), flush=True)
        save()
    print(f"wrote {out} and {md}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='3 steps per config, no D, no T=100: a smoke check')
    ap.add_argument('--threads', type=int, default=2, help='torch.set_num_threads')
    ap.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    ap.add_argument('--out', default=None, help='JSON path (default results/bench.json, on CUDA results/bench_cuda.json); the markdown goes beside it (.md)')
    ap.add_argument('--steps', type=int, default=20, help='timed outer steps per config (at least 20 for the report)')
    ap.add_argument('--configs', default='', help='comma-separated subset of configurations (default: all); merged into an existing --out')
    ap.add_argument('--rss', default='A,B1,B4', help='configurations whose fresh-process peak memory is measured (empty: none)')
    ap.add_argument('--no-memory', action='store_true', help='skip the memory and peak-RSS measurements')
    ap.add_argument('--memory-only', action='store_true', help='only the memory measurements, merged into an existing --out')
    ap.add_argument('--compile', action='store_true', help="also config Ac (A with compile=True), if the engine's DistillConfig has the field")
    ap.add_argument('--render', action='store_true', help='no measurement: rewrite the markdown table from the JSON')
    ap.add_argument('--rss-child', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--rss-steps', type=int, default=5, help=argparse.SUPPRESS)
    main(ap.parse_args())
