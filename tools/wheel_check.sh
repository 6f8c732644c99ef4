#!/usr/bin/env bash
# What a pip user gets: build the wheel, install it into a brand-new virtual environment (no system or
# project site-packages) with torch and the [run] extra, then run the packaged experiment notebook through
# the console command on iris, from a folder outside the checkout, and check that results.json is written.
#   bash tools/wheel_check.sh          (PYTHON=... picks the interpreter; TORCH_INDEX_URL another torch index)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-wheel-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$SECONDS
step() { echo "== [$((SECONDS - start)) s] $*"; }

step "building the wheel"
"$PY" -m pip wheel --no-deps -q --disable-pip-version-check -w "$work/dist" .
wheel=$(ls "$work"/dist/dataset_distillation-*.whl)
"$PY" - "$wheel" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ['dataset_distillation/experiments/distill.ipynb', 'dataset_distillation/cli.py']
missing = [n for n in need if n not in names]
entry = next((n for n in names if n.endswith('entry_points.txt')), None)
if missing or entry is None: sys.exit(f"the wheel lacks {missing or 'entry_points.txt'}")
if 'dataset-distillation = dataset_distillation.cli:main' not in zipfile.ZipFile(sys.argv[1]).read(entry).decode():
    sys.exit('the wheel does not register the dataset-distillation command')
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, experiment notebook and console command included")
EOF

step "creating a fresh virtual environment and installing torch==2.13.0, the wheel and its [run] extra"
"$PY" -m venv "$work/venv"
pip_install() { "$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$@"; }
pip_install torch==2.13.0 ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
pip_install "$wheel[run]"

cd "$work"  # away from the checkout: only the installed package can be imported
export DATASET_DISTILLATION_CACHE="$work/cache" MPLBACKEND=Agg OMP_NUM_THREADS=1
step "dataset-distillation notebook / recipes"
"$work/venv/bin/dataset-distillation" notebook
"$work/venv/bin/dataset-distillation" recipes | head -3
step "dataset-distillation run -p dataset iris -o $work/out"
"$work/venv/bin/dataset-distillation" run -p dataset iris -o "$work/out" --no-progress
"$work/venv/bin/python" - "$work/out" <<'EOF'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
rec = json.loads((out/'results.json').read_text())
assert rec['dataset'] == 'iris' and 0 <= rec['distill_accuracy']['mean'] <= 1, rec
assert (out/'distill.ipynb').is_file(), 'the executed notebook was not saved'
import dataset_distillation
assert 'site-packages' in dataset_distillation.__file__, dataset_distillation.__file__
print(f"results.json: iris, distillation accuracy {100 * rec['distill_accuracy']['mean']:.2f}%, "
      f"{rec['iterations']} outer steps; package imported from {Path(dataset_distillation.__file__).parent}")
EOF
step "wheel check passed"
