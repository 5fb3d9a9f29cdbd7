#!/bin/sh
# The ACG recipe comparison of docs/experiments/acg-recipe.md, in one command:
#   sh tools/acg-reference/recipe.sh OUT_FOLDER [CAMVID_FOLDER]
# Families A (the recipe scan of 2026-11-26 was tuned on it) and B (held out) at d = 384, and the weight-free
# backbone's features of CamVid (d = 96; default ../shared/datasets/camvid beside the repository, skipped when absent):
# the paper's lr 1e-4 and lr 3e-5, SEEDS seeds each, ITERATIONS × 32, scored at half-way, at the end and on the moving
# average (ema 0.999); restarts are scored by choosing among the seeds by held-in loss (recipe_summary.py).
# Writes OUT_FOLDER/scan-*.jsonl and OUT_FOLDER/tables.md. Needs python3 with torch, numpy, scipy and scikit-learn,
# and node for the CamVid features. On one H200 the defaults take ≈ 10 min (the three scans share the GPU); on a CPU
# they take days: DEVICE=cpu SEEDS=3 ITERATIONS=300 TRAIN=256 TEST=60 is a smoke run, not evidence.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: sh tools/acg-reference/recipe.sh OUT_FOLDER [CAMVID_FOLDER]}
camvid=${2:-$root/../shared/datasets/camvid}
SEEDS=${SEEDS:-9}
ITERATIONS=${ITERATIONS:-2500}
TRAIN=${TRAIN:-2000}
TEST=${TEST:-240}
DEVICE=${DEVICE:-}
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then echo "$out: exists and is not empty; pass a new folder" >&2; exit 2; fi
mkdir -p "$out"
export PYTHONUNBUFFERED=1
common="--recipes paper,lr3e-5 --seeds $SEEDS --iterations $ITERATIONS --batch 32 --every $((ITERATIONS / 2))${DEVICE:+ --device $DEVICE}"
runs="A B"
if [ -f "$camvid/val.txt" ]; then
  (cd "$root" && npx tsx tools/bench/camvid-patches.ts --data "$camvid" --out "$out/camvid-patches")
  runs="$runs camvid"
else
  echo "no CamVid folder at $camvid: synthetic families only" >&2
fi
for name in $runs; do
  case $name in
    camvid) args="--family $out/camvid-patches --dim 96" ;;
    *) args="--family $name --train $TRAIN --test $TEST" ;;
  esac
  # shellcheck disable=SC2086
  if [ "$DEVICE" = cpu ]; then
    python3 "$here/scan.py" $common $args --out "$out/scan-$name.jsonl" > "$out/log-$name.txt" 2>&1
  else
    python3 "$here/scan.py" $common $args --out "$out/scan-$name.jsonl" > "$out/log-$name.txt" 2>&1 &
  fi
done
wait
for name in $runs; do python3 "$here/recipe_summary.py" "$out/scan-$name.jsonl"; echo; done > "$out/tables.md"
echo "tables: $out/tables.md"
