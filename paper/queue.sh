#!/usr/bin/env bash
# Run the long MNIST runs of paper/queue.txt one after another, in the background, resumably:
#   bash paper/queue.sh LANE [WAIT_PID]
# Each line of paper/queue.txt is `LANE RUN_NAME runs.py arguments...`; this lane runs its own lines in
# order, skipping runs whose results/<RUN_NAME>/results.json exists (finished). Rerun the same command after an
# interruption: every run resumes from its checkpoint. One thread per run, niced, so two lanes share two cores.
set -uo pipefail
cd "$(dirname "$0")/.."
lane=$1; wait_pid=${2:-}
if [ -n "$wait_pid" ]; then while kill -0 "$wait_pid" 2>/dev/null; do sleep 60; done; fi
mkdir -p runs/logs
grep -v '^#' paper/queue.txt | while read -r l name args; do
  [ "$l" = "$lane" ] || continue
  if [ -e "results/$name/results.json" ]; then continue; fi
  echo "$(date -u +%FT%TZ) lane $lane: $name" >> runs/logs/queue.log
  # shellcheck disable=SC2086
  eval nice -n 10 .venv/bin/python paper/runs.py $args --threads 1 > "runs/logs/$name.log" 2>&1 \
    || echo "$(date -u +%FT%TZ) lane $lane: $name FAILED (runs/logs/$name.log)" >> runs/logs/queue.log
done
