import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { AcsegError } from '@acseg/core';
import { FeatureCache, mergeFeatureCaches } from '@acseg/feature-cache';
import { checkOutDir } from '../check-out.js';
import { consoleLogger, consoleProgress } from '../console.js';
import type { GlobalArgs } from '../session.js';
import { checkParts, findParts, PART_FILE, type Part } from '../shard-part.js';
import { commandSpec, type SetStatus } from './index.js';

/** Refuses a part whose task has not finished: merging it would silently drop its missing images. */
async function checkFeaturesDone(parts: readonly Part[]): Promise<void> {
  for (const p of parts) {
    const cache = await FeatureCache.open(p.dir).catch((e: unknown) => {
      throw new AcsegError('BAD_CONFIG', `${p.dir}: shard ${p.record.shard}/${p.record.of} has no readable feature cache (${(e as Error).message})`, {
        hint: 'run that shard again (it resumes), then merge',
      });
    });
    const done = cache.length + cache.skipped.length;
    await cache.close();
    if (done < p.record.images) {
      throw new AcsegError(
        'BAD_CONFIG',
        `${p.dir}: shard ${p.record.shard}/${p.record.of} is unfinished (${done} of its ${p.record.images} images); nothing merged`,
        { hint: 'run that shard again (it resumes), then merge' },
      );
    }
  }
}

export function mergeCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('merge').usage,
    commandSpec('merge').describe,
    (a) =>
      a
        .positional('parts', { type: 'string', array: true, describe: `the job's --out folder (holding part-*-of-* folders), or the part folders themselves` })
        .option('out', { type: 'string', describe: 'merged output folder (default: the one folder given)' }),
    async (argv) => {
      const inputs = (argv.parts ?? []).map(String);
      const parts = checkParts(await findParts(inputs));
      const outArg = argv.out ?? (inputs.length === 1 && !parts.some((p) => p.dir === resolve(inputs[0])) ? inputs[0] : undefined);
      if (!outArg)
        throw new AcsegError('BAD_CONFIG', 'give --out: where the merged output goes', {
          hint: `the parts' folders each hold a ${PART_FILE}; --out is needed unless one job folder is given`,
        });
      const out = checkOutDir(outArg);
      const { kind, of, total, input } = parts[0].record;
      // Each kind loads only what it needs: a feature cache merge loads no plugins, image codecs or ML runtimes (their
      // start-up would cost more than the merge itself on a small job).
      const session = async () => {
        const { Session } = await import('../session.js');
        // Components are rebuilt as the shards made them: with their --set options, and with the component options of
        // the config file they read (found in their working folder, or by --config), whatever config is found here.
        const s = await Session.open({ ...(argv as GlobalArgs), set: parts[0].record.settings.set as string[] | undefined });
        const recorded = parts[0].record.settings.options as typeof s.config.options | undefined;
        if (recorded) s.config.options = recorded;
        return s;
      };
      if (kind === 'segment' || kind === 'run') {
        const { mergeGalleries } = await import('../merge-galleries.js');
        const g = await mergeGalleries(parts, out);
        process.stdout.write(`gallery ${g.index}: ${g.items} images, ${g.skipped} skipped; merged from ${of} shards of ${input} (${total} images)\n`);
        return;
      }
      if (kind === 'eval') {
        const { mergeEval } = await import('../merge-eval.js');
        process.stdout.write(`${await mergeEval(await session(), parts, out)}\n`);
        return;
      }
      if (kind === 'fit') {
        const { mergeFit } = await import('../merge-fit.js');
        process.stdout.write(`${await mergeFit(await session(), parts)}\n`);
        return;
      }
      if (kind !== 'features') throw new AcsegError('BAD_CONFIG', `merging ${kind} parts is not supported yet (${parts[0].dir})`);
      await checkFeaturesDone(parts);
      const shardSize = Number(parts[0].record.settings.shardSize ?? 256);
      const r = await mergeFeatureCaches({
        parts: parts.map((p) => p.dir),
        out,
        shardSize,
        progress: consoleProgress(!!argv.quiet),
        log: consoleLogger(!!argv.verbose),
      });
      process.stdout.write(
        `feature cache ${outArg}: ${r.images} images in ${r.shards} shard files, ${r.skipped} skipped; merged from ${of} shards of ${input} (${total} images)\n`,
      );
    },
  );
}
