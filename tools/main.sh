#!/usr/bin/env bash
# The main job: install, then distil full MNIST into 10 images with the `mnist_quick` recipe (a few minutes on
# a laptop CPU; the paper's full schedule is `-p recipe mnist_fixed_10`). Arguments replace the default and go
# to papermill (e.g. -p recipe trec6_fixed_6, or -p dataset sst5 -p preset paper). Outputs land in runs/main/
# (git-ignored), or runs/main-<hash of the arguments>/ when arguments are given, so each configuration keeps its
# own checkpoint and rerunning the same command resumes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ $# -eq 0 ]; then set -- -p recipe mnist_quick; out=${DD_OUT:-runs/main}; else out=${DD_OUT:-runs/main-$(printf '%s\n' "$@" | sha256sum | cut -c1-8)}; fi
mkdir -p "$out"
# --log-output streams the notebook's printed lines (the resolved parameters, a plain progress bar every 10 s, the result)
.venv/bin/papermill nbs/experiments/distill.ipynb "$out/distill.ipynb" --cwd nbs/experiments --log-output -p progress text -p out_dir "$(pwd)/$out" "$@"
.venv/bin/python - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1]); r = json.loads((out/'results.json').read_text())
a = r['distill_accuracy']
print(f"{r['dataset']} / {r['model']} / {r['labels']} labels / {r['init']} init, {r['n_distilled']} distilled samples: "
      f"distillation accuracy {100*a['mean']:.2f}% (+- {100*a['std']:.2f}, n={a['n']}) after {r['train_seconds'] / 60:.1f} min of training")
if r.get('paper') is not None: print(f"the paper's figure for this row: {r['paper']:.2f}% (recipe {r['recipe']}: {r['note']})")
print('outputs:', ', '.join(sorted(p.name for p in out.iterdir() if p.suffix in ('.json', '.png', '.md', '.safetensors'))), '->', out)
PY
