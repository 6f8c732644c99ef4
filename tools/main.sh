#!/usr/bin/env bash
# The main job: install, then distil full MNIST with the experiment notebook's default settings.
# Extra arguments go to papermill (e.g. -p preset paper). Outputs land in runs/main/ (git-ignored), or
# runs/main-<hash of the arguments>/ when arguments are given, so each configuration keeps its own
# checkpoint and rerunning the same command resumes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ $# -eq 0 ]; then out=${DD_OUT:-runs/main}; else out=${DD_OUT:-runs/main-$(printf '%s\n' "$@" | sha256sum | cut -c1-8)}; fi
mkdir -p "$out"
.venv/bin/papermill nbs/experiments/distill.ipynb "$out/distill.ipynb" --cwd nbs/experiments \
  -p dataset mnist -p out_dir "$(pwd)/$out" "$@"
.venv/bin/python - "$out" <<'PY'
import json, sys, pathlib
r = json.loads((pathlib.Path(sys.argv[1])/'results.json').read_text())
a = r['distill_accuracy']
print(f"{r['dataset']} / {r['model']} / {r['labels']} labels / {r['init']} init, {r['n_distilled']} distilled samples: "
      f"distillation accuracy {100*a['mean']:.2f}% (+- {100*a['std']:.2f}, n={a['n']})  -> {sys.argv[1]}")
PY
