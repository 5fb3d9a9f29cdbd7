import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { AcsegError, isAcsegError, type ConceptClassifier } from '@acseg/core';
import {
  evaluateClustering,
  evaluateKnnRetrieval,
  evaluateWithText,
  formatPaperTable,
  formatPerClass,
  openDataset,
  type Dataset,
  type EvalReport,
  type MatchingMode,
} from '@acseg/eval';
import { checkOutDir } from '../check-out.js';
import { chooseBackbone, ensureReady, interruptSignal, trainFreeingBackbone } from '../components.js';
import { cacheFeatures, TEMP_FEATURES } from '../feature-stage.js';
import { forgetTrained, markTrained, runFingerprint, TRAINED_FILE, trainedEarlier } from '../trained-earlier.js';
import { featuresForEval } from '../features-input.js';
import { INDEX_FILE } from '@acseg/feature-cache';
import { evalOutDir } from '../eval-out.js';
import { EXIT } from '../exit.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { evalShard } from '../eval-shard.js';
import { FilePreparedStore } from '../prepared-store-file.js';
import { defaultClusters, writeReports } from '../eval-reports.js';
import { resolveShard } from '../shard.js';
import { shardOptions } from '../shard-job.js';
import { backboneOptions, checkMaxDecoded, datasetOptions, decodeOptions } from '../option-groups.js';

type EvalArgs = GlobalArgs & {
  dataset: string;
  root: string;
  split: string;
  trainSplit: string;
  backbone?: string;
  model?: string;
  imageSize?: string;
  generator: string;
  classifier: string;
  checkpoint?: string;
  seeds: number;
  limit?: number;
  clusters?: number;
  matching: MatchingMode;
  out?: string;
  k?: number;
  iterations?: number;
  method?: string;
  featuresCache?: string;
  features?: string;
  trainFeatures?: string;
  maxDecoded?: number;
  shard?: string;
  numShards?: number;
};

/** The train split, for `use`; a failure says what it was needed for. */
async function openTrainSplit(argv: EvalArgs, use: string): Promise<Dataset> {
  try {
    return await openDataset(argv.dataset, argv.root, { split: argv.trainSplit, limit: argv.limit });
  } catch (e) {
    if (!isAcsegError(e)) throw e;
    throw new AcsegError(e.code, `${e.message} (the ${argv.trainSplit} split is needed for ${use})`, {
      file: e.file,
      cause: e,
      hint: `${e.hint ? `${e.hint}; ` : ''}--train-split NAME picks another split`,
    });
  }
}

export function evalCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('eval').usage,
    commandSpec('eval').describe,
    (a) =>
      backboneOptions(
        datasetOptions(
          shardOptions(decodeOptions(a)),
          { dataset: 'dataset layout (required)', root: 'dataset root folder, e.g. VOCdevkit/VOC2012 (required)', split: 'evaluated split' },
          'val',
        ).option('train-split', { type: 'string', default: 'train', describe: 'split for k-NN memory banks and for training the ACG without a checkpoint' }),
        { model: 'backbone model name or .onnx path' },
      )
        .option('generator', { type: 'string', describe: "concept generator (default: the config's, else the plugins' default)" })
        .option('classifier', {
          type: 'string',
          describe:
            "concept classifier (default: the config's, else the plugins' default); what it declares it needs picks the protocol: clustering (Tables 1-2), a labelled memory bank (Table 3), class names (Table 4)",
        })
        .option('checkpoint', { type: 'string', describe: 'ACG checkpoint; without one the ACG is trained on the train split (no labels)' })
        .option('k', { type: 'number', describe: 'prototypes / clusters per image' })
        .option('iterations', { type: 'number', describe: 'ACG training iterations when training first' })
        .option('seeds', { type: 'number', default: 10, describe: 'k-means repetitions (paper: 10, mean ± std)' })
        .option('clusters', { type: 'number', describe: 'k-means classifier K (default: the number of classes, without background)' })
        .option('matching', {
          type: 'string',
          choices: ['pixels', 'iou'] as const,
          default: 'pixels' as MatchingMode,
          describe: 'Hungarian matching on pixel counts (STEGO/PiCIE) or IoU (DSM)',
        })
        .option('limit', {
          type: 'number',
          describe: "only the first N items of the split (and of the train split where one is used): a quick check, not the paper's numbers",
        })
        .option('method', { type: 'string', describe: 'row name in the table' })
        .option('out', {
          type: 'string',
          describe:
            'folder for metrics.json and report.html (default out/eval-<dataset>-<generator>-<classifier> in the working folder; required inside the acseg checkout)',
        })
        .option('features', {
          type: 'string',
          describe: 'feature cache of the evaluated split (acseg features / features import): no backbone is run; images by path or id',
        })
        .option('train-features', {
          type: 'string',
          describe: 'with --features: feature cache of the train split (k-NN memory bank, training the ACG without --checkpoint)',
        })
        .option('features-cache', {
          type: 'string',
          describe: 'feature cache of the train split when the ACG is trained first (written or resumed, kept; default: a temporary one in --out)',
        }),
    async (args) => {
      const argv = args as unknown as EvalArgs;
      const session = await Session.open(argv);
      argv.generator = session.componentName('generator', argv.generator);
      argv.classifier = session.componentName('classifier', argv.classifier);
      session.checkNames({ backbone: argv.backbone, generator: argv.generator, classifier: argv.classifier });
      // The protocol follows what the classifier declares it needs, not its name.
      const needs = session.spec('classifier', argv.classifier).needs ?? {};
      requireOptions('eval', argv, ['dataset', 'root']);
      const maxDecoded = checkMaxDecoded(argv.maxDecoded);
      if (argv.limit !== undefined && !(Number.isInteger(argv.limit) && argv.limit >= 1)) {
        throw new AcsegError('BAD_CONFIG', `--limit ${argv.limit}: give a whole number ≥ 1 (the first N items of the split)`, {
          hint: 'see acseg eval --help',
        });
      }
      const out = checkOutDir(evalOutDir(argv.out, `eval-${argv.dataset}-${argv.generator}-${argv.classifier}`));
      session.log.info(`eval: writing report.html, metrics.json and table.md to ${out}`);
      const dataset = await openDataset(argv.dataset, argv.root, { split: argv.split, limit: argv.limit });
      for (const p of dataset.problems ?? []) session.log.warn(`${argv.dataset}: left out ${p.error.message}`);
      const K = defaultClusters(dataset);
      // Trained here, its training graph goes without onnxruntime's arena: ~0.3 GiB less with a ViT's features.
      const generator = await session.create(
        'generator',
        argv.generator,
        { checkpoint: argv.checkpoint, k: argv.k, iterations: argv.iterations },
        { trainArena: false },
      );
      const input = argv.features ? await featuresForEval(session, { ...argv, features: argv.features }, generator.ready, K, dataset.hasBackground) : undefined;
      let backbone = input?.backbone ?? (await chooseBackbone(session, argv.backbone, { model: argv.model, inputSize: argv.imageSize }));
      // Decode once: each image is decoded once and serves its features, region crops and report picture. With a
      // feature cache the pixels are read only where region embeddings crop the image (DINO).
      const decode = !input || !!backbone.regionEmbeddingsReadPixels;
      const shard = resolveShard(argv);
      if (shard) {
        // The per-image stage of this shard's part; `acseg merge` fits, scores and writes the report once.
        const clf = await session.create('classifier', argv.classifier, { K: argv.clusters, seed: 0 }, { K, background: dataset.hasBackground });
        const interrupt = interruptSignal(session);
        try {
          const settings = {
            dataset: argv.dataset,
            root: resolve(argv.root),
            split: argv.split,
            limit: argv.limit ?? null,
            backbone: { name: backbone.name, ...backbone.info, runtime: undefined },
            model: argv.model ?? null,
            generator: generator.name,
            checkpoint: argv.checkpoint ? resolve(argv.checkpoint) : null,
            k: argv.k ?? null,
            classifier: argv.classifier,
            clusters: argv.clusters ?? null,
            seeds: argv.seeds,
            matching: argv.matching,
            method: argv.method ?? null,
            set: session.args.set ?? [],
            options: session.config.options,
          };
          const train = needs.memoryBank ? await openTrainSplit(argv, 'the memory bank') : undefined;
          const line = await evalShard({
            session,
            shard,
            dataset,
            train,
            root: resolve(argv.root),
            out,
            backbone,
            generator,
            classifier: clf,
            settings,
            input: `--dataset ${argv.dataset} --split ${argv.split}`,
            signal: interrupt.signal,
            decode,
            maxDecoded,
          });
          process.stdout.write(`${line}\n`);
        } finally {
          interrupt.dispose();
          await Promise.all([clf.dispose?.(), backbone.dispose?.(), generator.dispose?.()]);
        }
        return;
      }
      // The classifier's own check (CLIP: model files, class names) before training or extraction. The protocol
      // builds a memory bank itself, so a classifier that needs one has nothing to check yet.
      if (!needs.memoryBank) {
        const probe = await session.create('classifier', argv.classifier, { K: argv.clusters }, { K, background: dataset.hasBackground });
        try {
          await probe.check?.({ backbone, classNames: dataset.classNames, log: session.log });
        } finally {
          await probe.dispose?.();
        }
      }
      // The train split, where one is used, is opened (and its list checked) before any work too.
      const trainUse = needs.memoryBank ? 'the k-NN memory bank' : !generator.ready ? `training ${generator.name} (no --checkpoint given)` : undefined;
      const trainSet = trainUse ? await openTrainSplit(argv, trainUse) : undefined;
      const interrupt = interruptSignal(session);
      try {
        if (!generator.ready) {
          // A rerun after a stop (during the evaluation, say) loads the ACG this command trained on this train split,
          // rather than training it again: the same weights (apps/cli/src/trained-earlier.ts). The train split is its
          // images, or with --features its feature cache (whose index.json is rewritten whenever it changes).
          const fingerprint = await runFingerprint(
            {
              command: 'eval',
              dataset: argv.dataset,
              root: resolve(argv.root),
              trainFeatures: input ? resolve(input.train!.path) : null,
              backbone: { name: backbone.name, ...backbone.info, runtime: undefined },
              generator: generator.name,
              k: argv.k ?? null,
              iterations: argv.iterations ?? null,
              set: session.args.set ?? [],
              options: session.config.options,
            },
            input ? [join(input.train!.path, INDEX_FILE)] : trainSet!.items.map((it) => it.image),
          );
          const checkpointDir = join(out, `${generator.name}-checkpoint`);
          const earlier = await trainedEarlier(out, fingerprint);
          if (earlier.checkpoint && generator.load) {
            await generator.load(earlier.checkpoint);
            session.log.info(
              `${generator.name}: using the weights an earlier eval of this train split trained, ${earlier.checkpoint} (delete ${join(out, TRAINED_FILE)} to train again)`,
            );
          } else {
            await forgetTrained(out);
            if (input) await ensureReady(session, generator, input.train!, checkpointDir, interrupt.signal);
            else {
              // The train split's features stream through a feature cache (temporary unless --features-cache names one).
              const trainImages = trainSet!.items.map((it) => it.image);
              const stage = await cacheFeatures(
                session,
                backbone,
                trainImages,
                { named: argv.featuresCache, temp: join(out, TEMP_FEATURES) },
                interrupt.signal,
              );
              if (!stage) {
                setStatus(EXIT.interrupted);
                return;
              }
              try {
                backbone = await trainFreeingBackbone(session, generator, stage.cache, checkpointDir, interrupt.signal, backbone);
              } finally {
                await stage.close(interrupt.signal.aborted);
              }
            }
            if (!interrupt.signal.aborted && generator.ready && generator.save) await markTrained(out, fingerprint, { checkpoint: checkpointDir });
          }
          if (interrupt.signal.aborted) {
            setStatus(EXIT.interrupted);
            return;
          }
        }
        // The table row says what ran: the paper's name only for the ACG.
        const method = argv.method ?? `${session.spec('generator', argv.generator).methodName ?? generator.name} (${backbone.name})`;
        // The prepared items wait on disk between the pass over the split and the seeds: memory stays flat.
        const store = FilePreparedStore.factory(out);
        const common = {
          dataset,
          backbone,
          generator,
          log: session.log,
          progress: session.progress,
          signal: interrupt.signal,
          method,
          decode,
          maxDecoded,
          store,
        };
        let reports: EvalReport[];
        if (needs.memoryBank) {
          reports = await evaluateKnnRetrieval({
            ...common,
            train: trainSet!,
            knnFactory: (k: number) => session.create('classifier', argv.classifier, { K: k }, { background: dataset.hasBackground }),
          });
        } else if (needs.classNames) {
          reports = [
            await evaluateWithText({
              ...common,
              classifierFactory: () => session.create('classifier', argv.classifier, {}, { background: dataset.hasBackground }),
            }),
          ];
        } else {
          const make = (seed: number): Promise<ConceptClassifier> =>
            session.create('classifier', argv.classifier, { K: argv.clusters, seed }, { K, background: dataset.hasBackground });
          reports = [
            await evaluateClustering({ ...common, matching: argv.matching, seeds: Array.from({ length: argv.seeds }, (_, i) => i), classifierFactory: make }),
          ];
        }
        process.stdout.write(`${formatPaperTable(reports)}\n\n${formatPerClass(reports[0])}\n`);
        process.stdout.write(`${(await writeReports(out, reports)).join('\n')}\n`);
        const skipped = reports.flatMap((r) => r.skipped);
        for (const s of skipped) session.log.warn(`skipped ${s.file ?? s.id}: ${s.reason}`);
        if (interrupt.signal.aborted) setStatus(EXIT.interrupted);
        else if (skipped.length) setStatus(EXIT.failure);
      } finally {
        interrupt.dispose();
        await Promise.all([backbone.dispose?.(), generator.dispose?.(), input?.close()]);
      }
    },
  );
}
