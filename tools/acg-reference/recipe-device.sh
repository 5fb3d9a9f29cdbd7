#!/bin/sh
# The recipe comparison of docs/experiments/acg-recipe.md on one GPU: families A (tuned on) and B (held out) at
# d = 384 and the weight-free backbone's CamVid features (d = 96), the paper's lr 1e-4 and lr 3e-5, 9 seeds each,
# 2500 iterations × 32, scored at 1250 and 2500 and on the moving average (ema 0.999). The three scans share the GPU.
#   sh tools/acg-reference/recipe-device.sh CAMVID_PATCHES_FOLDER OUT_FOLDER
# (CAMVID_PATCHES_FOLDER from `npx tsx tools/bench/camvid-patches.ts --out ...`.)
set -u
here=$(dirname "$0")
camvid=$1
out=$2
export PYTHONUNBUFFERED=1
common="--recipes paper,lr3e-5 --seeds 9 --iterations 2500 --batch 32 --every 1250"
timeout 560 python3 "$here/scan.py" $common --family A --train 2000 --test 240 --deadline 320 --out "$out/scan-A.jsonl" > "$out/log-A.txt" 2>&1 &
timeout 560 python3 "$here/scan.py" $common --family B --train 2000 --test 240 --deadline 320 --out "$out/scan-B.jsonl" > "$out/log-B.txt" 2>&1 &
timeout 560 python3 "$here/scan.py" $common --family "$camvid" --dim 96 --deadline 320 --out "$out/scan-camvid.jsonl" > "$out/log-camvid.txt" 2>&1 &
wait
