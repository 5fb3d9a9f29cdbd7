import { AcsegError } from '@acseg/core';

/** Which part of the image list this process works on: shard `index` of `count` (0-based). */
export interface Shard {
  index: number;
  count: number;
  /** Where the shard came from, for messages: `--shard 1/4`, `SLURM_ARRAY_TASK_ID=5 (...)`, `JOB_COMPLETION_INDEX=1`. */
  from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function usage(message: string, hint?: string): AcsegError {
  return new AcsegError('BAD_CONFIG', message, { hint });
}

/** A non-negative integer written in decimal digits only ("3", not "3.0", " 3" or "0x3"). */
function wholeNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : null;
}

function envNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = wholeNumber(raw);
  if (n === null) throw usage(`${name}=${JSON.stringify(raw)} is not a whole number`);
  return n;
}

function checkRange(index: number, count: number, from: string): Shard {
  if (count < 1) throw usage(`${from}: the number of shards must be at least 1, got ${count}`);
  if (index >= count) throw usage(`${from}: shard index ${index} is out of range (0..${count - 1} for ${count} shards)`, 'shard indices start at 0');
  return { index, count, from };
}

function parseFlag(flag: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flag);
  if (!m) throw usage(`--shard ${JSON.stringify(flag)}: expected i/N, e.g. --shard 0/4 for the first of 4 shards`);
  return checkRange(Number(m[1]), Number(m[2]), `--shard ${flag}`);
}

/** Slurm's array variables: the count from SLURM_ARRAY_TASK_COUNT or MIN/MAX (and STEP), the index relative to MIN. */
function fromSlurm(env: Env, id: number): Shard {
  const count = envNumber(env, 'SLURM_ARRAY_TASK_COUNT');
  const min = envNumber(env, 'SLURM_ARRAY_TASK_MIN');
  const max = envNumber(env, 'SLURM_ARRAY_TASK_MAX');
  const step = envNumber(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const from = `SLURM_ARRAY_TASK_ID=${id}`;
  if (step < 1) throw usage(`SLURM_ARRAY_TASK_STEP=${step} must be at least 1`);
  if ((min === undefined) !== (max === undefined)) {
    throw usage(`${from}: SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX must be set together (got only ${min === undefined ? 'MAX' : 'MIN'})`);
  }
  if (min === undefined || max === undefined) {
    if (count === undefined) {
      throw usage(`${from} is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX: cannot tell the number of shards`, 'give --shard i/N');
    }
    return checkRange(id, count, `${from} with SLURM_ARRAY_TASK_COUNT=${count}`);
  }
  if (max < min) throw usage(`SLURM_ARRAY_TASK_MIN=${min} is above SLURM_ARRAY_TASK_MAX=${max}`);
  const span = Math.floor((max - min) / step) + 1;
  const desc = `${from} (array ${min}-${max}${step > 1 ? `:${step}` : ''})`;
  if ((max - min) % step !== 0 || (count !== undefined && count !== span)) {
    // A list like --array=1,3,7 has no position of a task in a range; the shard would be a guess.
    throw usage(
      `inconsistent Slurm array: SLURM_ARRAY_TASK_COUNT=${count ?? '?'} but SLURM_ARRAY_TASK_MIN..MAX=${min}..${max} step ${step} spans ${span} tasks`,
      'submit a contiguous range (sbatch --array=0-N), or give --shard i/N',
    );
  }
  if (id < min || id > max || (id - min) % step !== 0) throw usage(`${desc}: the task id is not one of the array's tasks`);
  return checkRange((id - min) / step, span, desc);
}

/**
 * The shard this process works on: `--shard i/N` if given; else the
 * scheduler's environment (a Slurm job array's SLURM_ARRAY_TASK_* variables,
 * or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with the count from
 * `--num-shards` or ACSEG_NUM_SHARDS, since Kubernetes gives only the index);
 * null when none of them is set (the whole list). Anything contradictory is
 * a usage error (exit 2) rather than a guess: a wrong shard silently drops
 * or doubles images.
 */
export function resolveShard(flags: { shard?: string; numShards?: number }, env: Env = process.env): Shard | null {
  const { shard, numShards } = flags;
  if (numShards !== undefined && (!Number.isInteger(numShards) || numShards < 1)) throw usage(`--num-shards ${numShards}: must be a whole number ≥ 1`);
  const slurmId = envNumber(env, 'SLURM_ARRAY_TASK_ID');
  const k8sIndex = envNumber(env, 'JOB_COMPLETION_INDEX');
  let s: Shard | null;
  if (shard !== undefined) {
    s = parseFlag(shard);
  } else if (slurmId !== undefined && k8sIndex !== undefined) {
    throw usage(
      `both SLURM_ARRAY_TASK_ID=${slurmId} and JOB_COMPLETION_INDEX=${k8sIndex} are set: cannot tell which scheduler gives the shard`,
      'give --shard i/N',
    );
  } else if (slurmId !== undefined) {
    s = fromSlurm(env, slurmId);
  } else if (k8sIndex !== undefined) {
    const fromEnv = envNumber(env, 'ACSEG_NUM_SHARDS');
    if (numShards !== undefined && fromEnv !== undefined && numShards !== fromEnv) {
      throw usage(`--num-shards ${numShards} and ACSEG_NUM_SHARDS=${fromEnv} disagree`);
    }
    const count = numShards ?? fromEnv;
    if (count === undefined) {
      throw usage(
        `JOB_COMPLETION_INDEX=${k8sIndex} is set but not the number of shards (Kubernetes gives the index, not the count)`,
        "give --num-shards N (the Job's completions) or set ACSEG_NUM_SHARDS",
      );
    }
    return checkRange(k8sIndex, count, `JOB_COMPLETION_INDEX=${k8sIndex} of ${count}`);
  } else {
    if (numShards !== undefined)
      throw usage(`--num-shards ${numShards} is given but no shard index (JOB_COMPLETION_INDEX is not set)`, 'give --shard i/N instead');
    return null;
  }
  if (numShards !== undefined && numShards !== s.count) throw usage(`${s.from} means ${s.count} shards, but --num-shards is ${numShards}`);
  return s;
}

/** The half-open range [start, end) of a list of `total` items that shard `s` takes: contiguous, sizes differ by at most 1. */
export function shardRange(total: number, s: Pick<Shard, 'index' | 'count'>): { start: number; end: number } {
  return { start: Math.floor((s.index * total) / s.count), end: Math.floor(((s.index + 1) * total) / s.count) };
}

/** Code-unit order (not locale order): the same on every machine, whatever its LANG. */
export function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The items of shard `s`: the list sorted by `key` (relative paths, so a
 * dataset mounted elsewhere splits the same way), then cut into contiguous
 * ranges, so every item lands in exactly one shard and a rerun picks the
 * same ones. Shard order followed by the order inside each shard is the
 * sorted order of the whole list, which is how `merge` puts parts together.
 */
export function selectShard<T>(items: readonly T[], key: (item: T) => string, s: Pick<Shard, 'index' | 'count'>): T[] {
  const sorted = [...items].sort((a, b) => byKey(key(a), key(b)));
  const { start, end } = shardRange(sorted.length, s);
  return sorted.slice(start, end);
}
