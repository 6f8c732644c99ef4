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
# the `dataset-distillation` command runs the experiment notebook through papermill; --log-output streams its printed
# lines (the resolved parameters, a plain progress bar every 10 s, the run's summary)
.venv/bin/dataset-distillation run -o "$out" --log-output --no-progress -p progress text "$@"
