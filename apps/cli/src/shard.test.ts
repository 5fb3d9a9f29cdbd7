import { describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { exitCodeFor } from './exit.js';
import { resolveShard, selectShard, shardRange } from './shard.js';

/** The error a call throws (fails the test when it throws none). */
function errorOf(fn: () => unknown): AcsegError {
  try {
    fn();
  } catch (e) {
    return e as AcsegError;
  }
  throw new Error('expected an error');
}

describe('resolveShard', () => {
  it('parses --shard i/N', () => {
    expect(resolveShard({ shard: '2/5' }, {})).toEqual({ index: 2, count: 5, from: '--shard 2/5' });
    expect(resolveShard({ shard: '0/1' }, {})).toMatchObject({ index: 0, count: 1 });
  });

  it('is null without a flag or a scheduler variable (ACSEG_NUM_SHARDS alone is no shard)', () => {
    expect(resolveShard({}, {})).toBeNull();
    expect(resolveShard({}, { ACSEG_NUM_SHARDS: '4', SLURM_JOB_ID: '77' })).toBeNull();
  });

  it('reads a Slurm array from SLURM_ARRAY_TASK_ID with the COUNT or MIN/MAX (and STEP)', () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 3, count: 4 });
    // --array=0-3: what sbatch sets
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' })).toMatchObject({
      index: 1,
      count: 4,
    });
    // --array=1-8: task 1 is the first shard
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toMatchObject({ index: 0, count: 8 });
    // --array=10-40:10 → tasks 10, 20, 30, 40
    expect(
      resolveShard(
        {},
        { SLURM_ARRAY_TASK_ID: '30', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '40', SLURM_ARRAY_TASK_STEP: '10', SLURM_ARRAY_TASK_COUNT: '4' },
      ),
    ).toMatchObject({ index: 2, count: 4 });
  });

  it('takes the Kubernetes index with the count from --num-shards or ACSEG_NUM_SHARDS', () => {
    expect(resolveShard({ numShards: 4 }, { JOB_COMPLETION_INDEX: '3' })).toMatchObject({ index: 3, count: 4 });
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '0', ACSEG_NUM_SHARDS: '2' })).toMatchObject({ index: 0, count: 2 });
  });

  it('lets --shard win over the environment, but not contradict --num-shards', () => {
    expect(resolveShard({ shard: '1/2' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 1, count: 2 });
    expect(errorOf(() => resolveShard({ shard: '1/2', numShards: 3 }, {})).message).toBe('--shard 1/2 means 2 shards, but --num-shards is 3');
  });

  const bad: Array<[string, { shard?: string; numShards?: number }, Record<string, string>, RegExp]> = [
    ['index = N', { shard: '4/4' }, {}, /^--shard 4\/4: shard index 4 is out of range \(0\.\.3 for 4 shards\)$/],
    ['N = 0', { shard: '0/0' }, {}, /the number of shards must be at least 1, got 0/],
    ['not i/N', { shard: '2' }, {}, /--shard "2": expected i\/N/],
    ['negative', { shard: '-1/4' }, {}, /expected i\/N/],
    ['num-shards 0', { numShards: 0 }, { JOB_COMPLETION_INDEX: '0' }, /--num-shards 0: must be a whole number ≥ 1/],
    [
      'Slurm id without a count',
      {},
      { SLURM_ARRAY_TASK_ID: '2' },
      /SLURM_ARRAY_TASK_ID=2 is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN\/MAX/,
    ],
    [
      'Slurm count disagrees with MIN..MAX',
      {},
      { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '7' },
      /inconsistent Slurm array: SLURM_ARRAY_TASK_COUNT=3 but SLURM_ARRAY_TASK_MIN\.\.MAX=1\.\.7 step 1 spans 7 tasks/,
    ],
    ['Slurm id beyond MAX', {}, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' }, /not one of the array's tasks/],
    ['Slurm MIN without MAX', {}, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0' }, /must be set together/],
    ['Slurm id beyond COUNT', {}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' }, /shard index 4 is out of range/],
    ['Slurm garbage', {}, { SLURM_ARRAY_TASK_ID: 'x1', SLURM_ARRAY_TASK_COUNT: '4' }, /SLURM_ARRAY_TASK_ID="x1" is not a whole number/],
    [
      'both schedulers',
      {},
      { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '0' },
      /both SLURM_ARRAY_TASK_ID=1 and JOB_COMPLETION_INDEX=0 are set/,
    ],
    ['Kubernetes without a count', {}, { JOB_COMPLETION_INDEX: '1' }, /JOB_COMPLETION_INDEX=1 is set but not the number of shards/],
    ['Kubernetes index ≥ count', { numShards: 2 }, { JOB_COMPLETION_INDEX: '2' }, /JOB_COMPLETION_INDEX=2 of 2: shard index 2 is out of range/],
    [
      '--num-shards vs ACSEG_NUM_SHARDS',
      { numShards: 3 },
      { JOB_COMPLETION_INDEX: '0', ACSEG_NUM_SHARDS: '4' },
      /--num-shards 3 and ACSEG_NUM_SHARDS=4 disagree/,
    ],
    ['--num-shards without an index', { numShards: 3 }, {}, /--num-shards 3 is given but no shard index/],
    ['Slurm count vs --num-shards', { numShards: 3 }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' }, /means 4 shards, but --num-shards is 3/],
  ];
  it.each(bad)('refuses %s with one line, as a usage error (exit 2)', (_, flags, env, message) => {
    const e = errorOf(() => resolveShard(flags, env));
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
    expect(exitCodeFor(e)).toBe(2);
  });
});

describe('selectShard', () => {
  it('cuts the sorted list into contiguous ranges (10 into 3: 3, 3, 4)', () => {
    expect([0, 1, 2].map((index) => shardRange(10, { index, count: 3 }))).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
    const items = ['j', 'a', 'c', 'b', 'e', 'd', 'g', 'f', 'i', 'h'];
    expect(selectShard(items, (x) => x, { index: 2, count: 3 })).toEqual(['g', 'h', 'i', 'j']);
  });

  it('sorts by code units, not by locale (upper case first, "-" before "/")', () => {
    const items = ['b.png', 'B.png', 'a/b.png', 'a-b.png'];
    expect(selectShard(items, (x) => x, { index: 0, count: 1 })).toEqual(['B.png', 'a-b.png', 'a/b.png', 'b.png']);
  });

  it('puts every item in exactly one shard, sizes within 1, the same whatever the input order', () => {
    for (const total of [0, 1, 5, 48, 97]) {
      const names = Array.from({ length: total }, (_, i) => `img-${String((i * 37) % 101).padStart(3, '0')}-${i}.png`);
      const reversed = [...names].reverse();
      for (const count of [1, 2, 3, 4, 7, 100]) {
        const parts = Array.from({ length: count }, (_, index) => selectShard(names, (x) => x, { index, count }));
        expect(parts.flat()).toEqual([...names].sort());
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        parts.forEach((p, index) => expect(selectShard(reversed, (x) => x, { index, count })).toEqual(p));
      }
    }
  });
});
