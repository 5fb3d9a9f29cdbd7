#!/usr/bin/env bash
# The sharded flow on a real scheduler (issue 14): a one-node Slurm cluster started here (slurm-wlm + munge, all
# state in a temp folder, nothing in /etc), `sbatch --array=0-3` of `acseg features` over 48 CamVid-sized images,
# `acseg merge` as a job with --dependency=afterok, then: the merged cache equals a one-process cache byte for
# byte, and `acseg eval` from it gives the numbers of `acseg eval` from the one-process cache; then a
# `run --fit-only` array on the merged cache and its merge (afterok) give the classifier state one process fits. The Kubernetes path
# runs the same command with JOB_COMPLETION_INDEX=0..3 (two "pods" at a time), as an Indexed Job's pods would.
# Where Slurm is not installed and cannot be (not root, no apt-get), or does not start, it prints one line and
# exits 0. Usage: tools/slurm/array-test.sh (needs the built CLI: npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
ACSEG=(node "$REPO/apps/cli/bin/acseg.js")
skip() { echo "slurm array test: skipped ($*)"; exit 0; }
say() { echo "slurm array test: [$((SECONDS))s] $*"; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null) \
      || skip "apt-get install slurm-wlm munge failed"
  else
    skip "slurm-wlm and munge are not installed (and this is not root with apt-get)"
  fi
fi
[ -f "$REPO/apps/cli/dist/index.js" ] || [ -d "$REPO/apps/cli/dist" ] || { echo "slurm array test: build the CLI first (npm run build)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/acseg-slurm-XXXXXX")
chmod 755 "$WORK"
stop_daemons() {
  for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/munged.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$WORK"
}
trap stop_daemons EXIT

# --- a one-node cluster -----------------------------------------------------------------------------------------
mkdir -p "$WORK/munge" "$WORK/state" "$WORK/spool" "$WORK/logs"
chmod 700 "$WORK/munge"
head -c 1024 /dev/urandom > "$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
SOCK="$WORK/munge/munge.socket"
munged --force --key-file="$WORK/munge/munge.key" --socket="$SOCK" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/munged.seed" || skip "munged did not start"

HOST=$(hostname -s)
# The node as slurmd sees it (CPUs, sockets, memory), so the controller does not drain it for a mismatch.
NODE=$(slurmd -C | head -n1 | sed -E 's/RealMemory=([0-9]+)/RealMemory=\1/')
MEM=$(sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' <<<"$NODE")
NODE=$(sed -E "s/RealMemory=[0-9]+/RealMemory=$((MEM * 9 / 10))/; s/ UpTime=.*//" <<<"$NODE")
PORT=$((20000 + RANDOM % 20000))
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=acsegci
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
# Test pending jobs (the merge waiting on the array) every second, not every 60 s.
SchedulerParameters=sched_interval=1,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
$NODE State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || skip "slurmctld did not start (see its log)"
slurmd -f "$SLURM_CONF" || skip "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "${state:-}" = idle ] || skip "the Slurm node did not come up (state '${state:-none}'): $(tail -n 3 "$WORK/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
say "one-node cluster up ($NODE)"

# --- data and the one-process reference -----------------------------------------------------------------------
DATA="$WORK/camvid"
npx tsx tools/slurm/make-camvid.ts "$DATA" 48 4
FEAT=(features --dataset camvid --root "$DATA" --split train --backbone handcrafted --shard-size 10 --flush-seconds 3600 --quiet)
LOG="$WORK/logs/cli.log"
acseg() { "${ACSEG[@]}" "$@" >>"$LOG" 2>&1 || { echo "FAIL: acseg $*" >&2; tail -n 20 "$LOG" >&2; exit 1; }; }
acseg "${FEAT[@]}" --out "$WORK/one"
say "48 images of 960×720 and their one-process cache made"

same_cache() { # $1 merged, $2 reference: the same shard files, bytes equal; index.json equal but its timestamp
  local a=$1 b=$2 f
  diff <(cd "$a" && ls shard-*.safetensors) <(cd "$b" && ls shard-*.safetensors) >/dev/null \
    || { echo "FAIL: $a and $b hold different shard files" >&2; exit 1; }
  for f in "$b"/shard-*.safetensors; do cmp -s "$f" "$a/$(basename "$f")" || { echo "FAIL: $a/$(basename "$f") differs from $f" >&2; exit 1; }; done
  cmp -s <(sed -E 's/"updated":"[^"]*"//' "$a/index.json") <(sed -E 's/"updated":"[^"]*"//' "$b/index.json") \
    || { echo "FAIL: $a/index.json differs from $b/index.json" >&2; exit 1; }
}

# --- Slurm: the features array, then the merge as a dependent job ----------------------------------------------
cat > "$WORK/features.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=acseg-features
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/logs/features-%A_%a.out
#SBATCH --error=$WORK/logs/features-%A_%a.out
date +"start %s.%N"
${ACSEG[*]} ${FEAT[*]} --out $WORK/sharded
rc=\$?
date +"end %s.%N"
exit \$rc
EOF
cat > "$WORK/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=acseg-merge
#SBATCH --output=$WORK/logs/merge-%j.out
#SBATCH --error=$WORK/logs/merge-%j.out
date +"merge-start %s.%N"
exec ${ACSEG[*]} merge $WORK/sharded --quiet
EOF
# Waits for job $1 to end; sets $state. Polled here: sbatch --wait backs off to 10 s between looks, a third of this
# test's time.
wait_job() {
  for _ in $(seq 1 600); do
    info=$(scontrol show job "$1" 2>/dev/null || true)
    state=$(sed -nE 's/.*JobState=([A-Z_]+).*/\1/p' <<<"$info")
    # A failed array task leaves the merge pending for ever, with this reason.
    grep -q 'Reason=DependencyNeverSatisfied' <<<"$info" && state=DEPENDENCY_NEVER_SATISFIED
    case "$state" in PENDING|RUNNING|CONFIGURING|COMPLETING|"") sleep 0.3 ;; *) break ;; esac
  done
}
SUBMIT=$(date +%s.%N)
ARRAY=$(sbatch --parsable --array=0-3 "$WORK/features.sbatch")
MERGE=$(sbatch --parsable --dependency="afterok:$ARRAY" "$WORK/merge.sbatch")
wait_job "$MERGE"
DONE=$(date +%s.%N)
[ "$state" = COMPLETED ] || { echo "FAIL: the merge job (after array $ARRAY) ended $state" >&2; tail -n 5 "$WORK"/logs/*.out >&2; exit 1; }
for i in 0 1 2 3; do
  grep -q "shard $i/4 (SLURM_ARRAY_TASK_ID=$i" "$WORK"/logs/features-"${ARRAY}"_"$i".out \
    || { echo "FAIL: array task $i did not work on shard $i/4" >&2; cat "$WORK"/logs/features-"${ARRAY}"_"$i".out >&2; exit 1; }
done
same_cache "$WORK/sharded" "$WORK/one"
say "$(cat "$WORK"/logs/features-*.out | awk -v t0="$SUBMIT" -v t1="$DONE" '/^start /{s = (s == "" || $2 < s) ? $2 : s} /^end /{e = ($2 > e) ? $2 : e} END {printf "array tasks ran from +%.1fs to +%.1fs after sbatch; ", s - t0, e - t0}')$(
  awk -v t0="$SUBMIT" -v t1="$DONE" '/^merge-start /{printf "merge job from +%.1fs to +%.1fs", $2 - t0, t1 - t0}' "$WORK"/logs/merge-*.out)"
say "sbatch --array=0-3 + merge (afterok) = one process, byte for byte ($(ls "$WORK"/sharded/shard-*.safetensors | wc -l) shard files and the index)"

# --- Kubernetes Indexed Job: the same command with JOB_COMPLETION_INDEX, two pods at a time ---------------------
for pair in "0 1" "2 3"; do
  pids=()
  for i in $pair; do JOB_COMPLETION_INDEX=$i ACSEG_NUM_SHARDS=4 "${ACSEG[@]}" "${FEAT[@]}" --out "$WORK/k8s" >>"$LOG" 2>&1 & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || { echo "FAIL: a JOB_COMPLETION_INDEX run failed" >&2; tail -n 20 "$LOG" >&2; exit 1; }; done
done
acseg merge "$WORK/k8s" --quiet
same_cache "$WORK/k8s" "$WORK/one"
say "JOB_COMPLETION_INDEX=0..3 + merge = one process, byte for byte"

# --- eval from the merged cache vs the one-process cache ---------------------------------------------------------
EVAL=(eval --dataset camvid --root "$DATA" --split val --backbone handcrafted --iterations 5 --seeds 1 --quiet)
acseg "${EVAL[@]}" --features-cache "$WORK/sharded" --out "$WORK/eval-sharded"
acseg "${EVAL[@]}" --features-cache "$WORK/one" --out "$WORK/eval-one"
cmp -s "$WORK/eval-sharded/table.md" "$WORK/eval-one/table.md" || { echo "FAIL: eval tables differ" >&2; diff "$WORK/eval-sharded/table.md" "$WORK/eval-one/table.md" >&2; exit 1; }
numbers() { node -e 'const m = require(process.argv[1]); delete m.date; delete m.seconds; console.log(JSON.stringify(m))' "$1"; }
[ "$(numbers "$WORK/eval-sharded/metrics.json")" = "$(numbers "$WORK/eval-one/metrics.json")" ] \
  || { echo "FAIL: eval metrics differ" >&2; exit 1; }
say "eval from the merged cache = eval from the one-process cache: $(tail -n 1 "$WORK/eval-one/table.md")"

# --- fit once from the shards: a run --fit-only array on the merged cache, the fit as an afterok job ------------
RUN=(run --features "$WORK/sharded" --generator kmeans --quiet)
acseg "${RUN[@]}" --save-classifier "$WORK/kmeans-one.safetensors" --out "$WORK/run-one"
cat > "$WORK/fit.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=acseg-fit
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/logs/fit-%A_%a.out
#SBATCH --error=$WORK/logs/fit-%A_%a.out
exec ${ACSEG[*]} ${RUN[*]} --fit-only --save-classifier $WORK/kmeans.safetensors --out $WORK/fit
EOF
FIT=$(sbatch --parsable --array=0-3 "$WORK/fit.sbatch")
FITMERGE=$(sbatch --parsable --dependency="afterok:$FIT" --output="$WORK/logs/fit-merge-%j.out" --wrap "${ACSEG[*]} merge $WORK/fit --quiet")
wait_job "$FITMERGE"
[ "$state" = COMPLETED ] || { echo "FAIL: the fit's merge job (after array $FIT) ended $state" >&2; tail -n 5 "$WORK"/logs/fit-*.out >&2; exit 1; }
cmp -s "$WORK/kmeans.safetensors" "$WORK/kmeans-one.safetensors" || { echo "FAIL: the classifier fitted from the shards differs from the one-process fit" >&2; exit 1; }
say "sbatch --array=0-3 run --fit-only + merge (afterok) = the one-process classifier state, byte for byte"
say "passed"
