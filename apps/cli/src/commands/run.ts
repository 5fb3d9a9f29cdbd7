import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { AcsegError, DEFAULT_MAX_DECODED, SegmentationPipeline } from '@acseg/core';
import { OVERLAY_MAX_SIDE } from '@acseg/report';
import { checkOutDir } from '../check-out.js';
import { DEFAULT_CLASS_PRESET, classNamesFrom, describePreset } from '../classes.js';
import { chooseBackbone, ensureReady, interruptSignal, trainFreeingBackbone } from '../components.js';
import { EXIT } from '../exit.js';
import { listImages } from '../images.js';
import { cacheFeatures, TEMP_FEATURES, type FeatureStage } from '../feature-stage.js';
import { openFeaturesInput } from '../features-input.js';
import { RunWriter } from '../outputs.js';
import { FileStash, STASH_FILE } from '../stash-file.js';
import { DIGESTS_FILE, FileDigestStash, ROWS_FILE } from '../digest-stash-file.js';
import { finishedEarlier, recordSettings, RUN_FILE } from '../resume.js';
import { afterFit, afterTraining, beforeTraining, removeLeftovers, reuseEarlierRun } from '../run-reuse.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { listRoot, planShard, shardOptions } from '../shard-job.js';
import { frozenClassifier } from '../frozen-classifier.js';
import { checkFitOnly, fitOnly } from '../fit-only.js';
import { backboneOptions, checkMaxDecoded, checkOverlaySize, decodeOptions } from '../option-groups.js';
import { printSummary } from '../summary.js';
import { largestOf, maxDecodedFor } from '../decoded-budget.js';

export function componentOptions<T>(a: Argv<T>) {
  return backboneOptions(decodeOptions(a), {
    backbone: 'backbone name (default: dino when a DINO model is available, else handcrafted)',
    model: 'backbone model: a name (dino-vits16, ...) or an .onnx path',
  })
    .option('generator', { type: 'string', describe: "concept generator (default: the config's, else the plugins' default; `acseg plugins list` shows them)" })
    .option('checkpoint', { type: 'string', describe: 'generator checkpoint folder (acg); without one the ACG is trained on the images first' })
    .option('k', { type: 'number', describe: 'prototypes / clusters per image (paper: 5)' })
    .option('iterations', {
      type: 'number',
      describe:
        'ACG training iterations when it is trained on the given images (default 300; the paper trains 2500 on a whole dataset: use acseg train for that)',
    })
    .option('seed', { type: 'number', describe: 'seed for every component' })
    .option('images', { type: 'string', describe: 'folder of images (JPEG, PNG, WebP, HEIC, ...), or one image (required)' })
    .option('recursive', { type: 'boolean', describe: 'also the images in the subfolders of --images, at any depth (not hidden ones)' })
    .option('out', { type: 'string', describe: 'output folder (required)' })
    .option('features', {
      type: 'string',
      describe:
        'segment from this feature cache (acseg features / features import) instead of running a backbone; --images is then optional (overlays on the images, else on grey)',
    })
    .option('fsync', {
      type: 'boolean',
      describe:
        "flush each image's output files to disk before they are renamed into place: slower, but a power loss keeps every finished image (without, a crash or kill of acseg does; the OS's may not)",
    })
    .option('overlay-size', {
      type: 'number',
      describe: `longest side of the overlay PNGs in pixels (default ${OVERLAY_MAX_SIDE}): a larger image gets an overlay that fits, its label and region maps stay at full size; 0: overlays at full size`,
    })
    .option('features-cache', {
      type: 'string',
      describe:
        'feature cache folder to write (or resume) and read; kept. Default: a temporary one in --out when features are needed twice (training the ACG first, a k-means classifier), removed at the end',
    });
}

/** ACG iterations when `run`/`segment` train it on the folder itself (no checkpoint given). */
export const ON_THE_FLY_ITERATIONS = 300;

type RunArgs = GlobalArgs & {
  backbone?: string;
  model?: string;
  imageSize?: string;
  generator?: string;
  checkpoint?: string;
  k?: number;
  iterations?: number;
  seed?: number;
  images: string;
  recursive?: boolean;
  out: string;
  classifier?: string;
  classes?: string;
  clusters?: number;
  featuresCache?: string;
  features?: string;
  maxDecoded?: number;
  fsync?: boolean;
  overlaySize?: number;
  shard?: string;
  numShards?: number;
  saveClassifier?: string;
  fitOnly?: boolean;
};

/** A `classes` component option as given in a config file or by --set: names, or a preset or comma list. */
function classesOption(v: unknown): string | string[] | undefined {
  if (typeof v === 'string' && v.trim()) return v;
  if (Array.isArray(v) && v.length) return v.map(String);
  return undefined;
}

/** Shared by `run` (with a classifier) and `segment` (regions only). */
async function segmentFolder(argv: RunArgs, withClassifier: boolean): Promise<number> {
  const session = await Session.open(argv);
  const generatorName = session.componentName('generator', argv.generator);
  const classifierName = withClassifier ? session.componentName('classifier', argv.classifier) : undefined;
  session.checkNames({ backbone: argv.backbone, generator: generatorName, classifier: classifierName });
  requireOptions(withClassifier ? 'run' : 'segment', argv, argv.features ? ['out'] : ['images', 'out']);
  checkOutDir(argv.out);
  let maxDecoded = checkMaxDecoded(argv.maxDecoded);
  const overlayMaxSide = checkOverlaySize(argv.overlaySize);
  const input = argv.features ? await openFeaturesInput(session, { ...argv, features: argv.features }) : undefined;
  const all = input?.images ?? listImages(argv.images, { note: (m) => session.log.info(m), recursive: argv.recursive });
  // With --shard (or a scheduler's array variables): this shard's part of the sorted list, into <out>/part-i-of-N.
  const job = planShard(
    argv,
    all,
    argv.images ? listRoot(argv.images) : resolve(argv.features!),
    argv.out,
    argv.images ? `--images ${argv.images}` : `--features ${argv.features}`,
  );
  const { images, out } = job;
  if (maxDecoded === undefined && !input) {
    // Large photos: fewer decoded at once by default, sized from a few headers before any work.
    const largest = await largestOf(images);
    const fewer = largest ? maxDecodedFor(largest.width * largest.height) : DEFAULT_MAX_DECODED;
    if (largest && fewer < DEFAULT_MAX_DECODED) {
      maxDecoded = fewer;
      session.log.info(
        `images up to ${largest.width}×${largest.height} (${Math.round((3 * largest.width * largest.height) / 2 ** 20)} MiB decoded): at most ${fewer} decoded at once (--max-decoded to change)`,
      );
    }
  }
  // --classes, else a `classes` option from the config or --set: a preset name or a comma list.
  const classesSpec = argv.classes ?? (classifierName ? classesOption(session.optionsFor(classifierName).classes) : undefined);
  const chosen = classesSpec !== undefined ? classNamesFrom(classesSpec) : undefined;
  let classNames = chosen?.names;
  if (chosen?.preset) session.log.info(describePreset(chosen.preset, chosen.names, argv.classes !== undefined ? '--classes' : 'option classes'));
  // Trained on the fly on a small folder: fewer iterations, and no batch larger than the folder.
  const generator = await session.create(
    'generator',
    generatorName,
    { checkpoint: argv.checkpoint, k: argv.k, seed: argv.seed, iterations: argv.iterations },
    // Its training graph without onnxruntime's arena: ~0.3 GiB less with a ViT's features, for 12–15 % slower steps.
    { iterations: ON_THE_FLY_ITERATIONS, batchSize: Math.min(32, images.length), trainArena: false },
  );
  // On an arbitrary folder there is no class count to copy: K defaults to the
  // VOC setting (20) but at most half the images, so clusters can group regions across images.
  const K = Math.max(2, Math.min(20, Math.ceil(all.length / 2)));
  const created = classifierName
    ? await session.create('classifier', classifierName, { seed: argv.seed, K: argv.clusters, classes: classNames }, { K })
    : undefined;
  // A shard applies what was fitted once (a checkpoint, a classifier state); it never trains or fits on its part
  // (with --fit-only it only digests its part, for the one fit at merge).
  if (argv.fitOnly) await checkFitOnly(argv, created);
  // So does a run given a fitted state: it labels with that state, in one pass, rather than fitting it again.
  const stateFile = created ? session.optionsFor(created.name).checkpoint : undefined;
  const applyState = !!created && !argv.fitOnly && typeof stateFile === 'string' && !!stateFile;
  let classifier = created && !argv.fitOnly && (job.shard || applyState) ? frozenClassifier(created, session.optionsFor(created.name)) : created;
  if (job.shard && !generator.ready) {
    throw new AcsegError(
      'BAD_CONFIG',
      `${job.describe()}: generator ${generator.name} is not trained; a shard applies a model trained once, it does not train on its part`,
      {
        hint: `train it once (acseg train --features <merged cache> --out ckpt) and give --checkpoint ckpt`,
      },
    );
  }
  if (applyState && classifier !== created)
    session.log.info(`classifier ${created!.name}: the images are labelled with the fitted state ${stateFile} (not fitted again on them), in one pass`);
  if (argv.saveClassifier && !created?.save)
    throw new AcsegError('BAD_CONFIG', `--save-classifier: ${created ? `classifier ${created.name} cannot save its state` : 'segment has no classifier'}`);
  if (classifier?.needs.classNames && !classNames) {
    classNames = classNamesFrom(DEFAULT_CLASS_PRESET).names;
    session.log.info(describePreset(DEFAULT_CLASS_PRESET, classNames, 'default'));
  }
  let backbone = input
    ? await input.backbone(!!classifier?.needs.regionEmbeddings)
    : await chooseBackbone(session, argv.backbone, { model: argv.model, inputSize: argv.imageSize });
  const interrupt = interruptSignal(session);
  let stage: FeatureStage | undefined;
  let keepFeatures = false;
  let opened: RunWriter | undefined;
  let stash: FileStash | undefined;
  let digests: FileDigestStash | undefined;
  /** The kept images' records, until the writer takes them as its record (a run stopped before leaves none). */
  let keptRecord: string | undefined;
  let freed = false;
  try {
    // A rerun with the same settings keeps what an earlier run finished, where each image's outputs stand alone: with
    // the same weights (a checkpoint given, or the one the earlier run trained here) and the same classifier state.
    const settings = {
      command: withClassifier ? 'run' : 'segment',
      ...(job.shard || applyState ? { classifierState: classifier ? (session.optionsFor(classifier.name).checkpoint ?? null) : null } : {}),
      backbone: { name: backbone.name, ...backbone.info, runtime: undefined },
      generator: generator.name,
      checkpoint: argv.checkpoint ? resolve(argv.checkpoint) : null,
      k: argv.k ?? null,
      seed: argv.seed ?? null,
      classifier: classifier?.name ?? null,
      classes: classNames ?? null,
      clusters: argv.clusters ?? null,
      set: session.args.set ?? [],
      options: session.config.options,
      // Only when given, so that runs recorded before the option keep their outputs.
      ...(overlayMaxSide !== undefined ? { overlaySize: overlayMaxSide } : {}),
      ...(argv.fitOnly ? { fitOnly: true, saveClassifier: resolve(argv.saveClassifier!), defaultClusters: K } : {}),
    };
    const reuse = await reuseEarlierRun({
      out,
      settings,
      images,
      iterations: argv.iterations,
      given: argv.checkpoint,
      eligible: !job.shard && !input && !argv.fitOnly,
      generator,
      created,
      classifier,
      log: session.log,
    });
    classifier = reuse.classifier;
    // Everything the parts need from each other, and the classifier's own files, before any training or extraction.
    // Decode once: the outputs draw every image, so each is decoded before its features and that decode serves all.
    let pipeline = new SegmentationPipeline(
      { backbone, generator, classifier, classNames, log: session.log, progress: session.progress },
      { decode: true, maxDecoded },
    );
    await pipeline.check();
    // Features once, on disk, when they are needed twice: to train the ACG first, or for a classifier that must see
    // every image before labelling one (two passes) when it has no digests. Otherwise the images stream straight
    // through.
    const twoPasses = !!(classifier?.needs.fit && (classifier.fit || classifier.fitDigests));
    // Two passes by digests keep each image's assignment on disk between them (a few KB an image), so pass 2 runs
    // neither the backbone nor the ACG and reads no features: the features need no cache for it.
    const stashed = twoPasses && !!(classifier?.digest && classifier.fitDigests && classifier.classifyDigests);
    const kept =
      generator.ready && !twoPasses
        ? await finishedEarlier(out, settings, images, [argv.checkpoint ?? reuse.checkpoint, applyState ? (stateFile as string) : reuse.classifierState])
        : { sources: new Set<string>(), ids: [] };
    keptRecord = kept.record;
    const todo = images.filter((image) => !kept.sources.has(resolve(image)));
    if (kept.sources.size)
      session.log.info(
        `${kept.sources.size} of ${images.length} images were finished by an earlier run with these settings and are kept (delete ${join(out, RUN_FILE)} to redo them)`,
      );
    await job.start(argv.fitOnly ? 'fit' : withClassifier ? 'run' : 'segment', settings);
    if (job.shard) session.log.info(job.describe());
    if (!argv.fitOnly) await recordSettings(out, settings);
    if (input) {
      // Features from the cache: the ACG, when it must be trained first, trains on them; nothing is extracted.
      await ensureReady(session, generator, input.cache, join(out, `${generator.name}-checkpoint`), interrupt.signal);
      if (interrupt.signal.aborted) return EXIT.interrupted;
    } else if (!generator.ready || (twoPasses && !stashed) || argv.featuresCache) {
      stage = await cacheFeatures(session, backbone, images, { named: argv.featuresCache, temp: join(out, TEMP_FEATURES) }, interrupt.signal);
      if (!stage) {
        keepFeatures = true;
        return EXIT.interrupted;
      }
      // The checkpoint is about to be replaced: what an earlier run recorded of it no longer holds.
      const wasReady = generator.ready;
      if (!wasReady) await beforeTraining(out, reuse);
      const trained = await trainFreeingBackbone(session, generator, stage.cache, join(out, `${generator.name}-checkpoint`), interrupt.signal, backbone);
      if (interrupt.signal.aborted) {
        keepFeatures = true;
        return EXIT.interrupted;
      }
      if (!wasReady && generator.ready && generator.save) await afterTraining(out, reuse, join(out, `${generator.name}-checkpoint`));
      if (trained !== backbone) stage.rebind((backbone = trained));
      pipeline = pipeline.withBackbone(stage.backbone);
    }
    if (argv.fitOnly) {
      const r = await fitOnly({
        session,
        pipeline,
        classifier: created!,
        context: { backbone: stage?.backbone ?? backbone, classNames, log: session.log },
        images,
        out,
        sharded: !!job.shard,
        describe: job.describe(),
        state: resolve(argv.saveClassifier!),
        signal: interrupt.signal,
      });
      if (r === null) {
        keepFeatures = true;
        return EXIT.interrupted;
      }
      process.stdout.write(`${r.line}\n`);
      return r.skipped ? EXIT.failure : EXIT.ok;
    }
    const writer = (opened = await RunWriter.open(
      out,
      {
        classNames,
        backbone: backbone.name,
        generator: generator.name,
        classifier: classifier?.name,
        log: session.log,
        inputs: images,
        imageOf: input?.imageOf,
        earlier: job.before,
        flush: argv.fsync,
        overlayMaxSide,
        total: todo.length,
        // Pass 2 from the stash leaves this thread little to do: the outputs may take every core, with 8 writes in
        // flight for each (on 2 cores, 16 rather than 32 held ~30 MiB less, pass 2 as fast within the noise).
        ...(stashed ? { workers: availableParallelism(), writesInFlight: 8 * availableParallelism() } : {}),
      },
      kept,
    ));
    if (stashed) stash = await FileStash.create(join(out, STASH_FILE));
    // The region digests wait for the fit on disk too (k-means: ~1 KB an image weight-free, several with a ViT).
    if (stashed && classifier?.fitRows) digests = await FileDigestStash.create(join(out, DIGESTS_FILE), join(out, ROWS_FILE));
    const summary = await pipeline.stream(todo, {
      emit: (o) => writer.write(o),
      signal: interrupt.signal,
      stash,
      digests,
      // A classifier's region maps are made on the output workers while this thread extracts the next features.
      regions: writer.regions,
      // Pass 2 runs neither: their sessions and buffers go before the outputs take their memory.
      betweenPasses: async () => {
        // The fitted state, for a rerun after a stop in pass 2 (it labels the images left with it, in one pass).
        await afterFit(out, reuse, created);
        freed = true;
        await Promise.all([backbone.dispose?.(), generator.dispose?.()]);
      },
    });
    const index = await writer.finish();
    if (argv.saveClassifier && !summary.interrupted) {
      await created!.save!(resolve(argv.saveClassifier));
      session.log.info(
        `classifier ${created!.name} state saved to ${argv.saveClassifier} (give it to shards with --set ${created!.name}.checkpoint=${argv.saveClassifier})`,
      );
    }
    printSummary(
      `segmented ${writer.written} of ${todo.length} images${kept.sources.size ? ` (${kept.sources.size} more kept from an earlier run)` : ''} with ${backbone.name} → ${generator.name}${classifier ? ` → ${classifier.name}` : ''}; outputs in ${out} (open ${index})`,
      writer.skipped,
    );
    if (summary.interrupted) {
      keepFeatures = true;
      return EXIT.interrupted;
    }
    await removeLeftovers(out, { cache: !!stage || !!input || !!argv.featuresCache, stash: !!stash });
    return writer.skipped.length ? EXIT.failure : EXIT.ok;
  } finally {
    interrupt.dispose();
    if (keptRecord) await rm(keptRecord, { force: true });
    await opened?.close();
    await stash?.close();
    await digests?.close();
    await stage?.close(keepFeatures);
    await input?.close();
    await Promise.all([freed ? undefined : backbone.dispose?.(), freed ? undefined : generator.dispose?.(), classifier?.dispose?.()]);
  }
}

export function runCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('run').usage,
    commandSpec('run').describe,
    (a) =>
      shardOptions(componentOptions(a))
        .option('classifier', {
          type: 'string',
          describe: "concept classifier (default: the config's, else the plugins' default; `acseg plugins list` shows them)",
        })
        .option('classes', {
          type: 'string',
          describe: 'class names for text classifiers: a preset (voc, cocostuff27, camvid) or a comma list "cat,dog,sofa" (default for clip: voc)',
        })
        .option('clusters', {
          type: 'number',
          describe: 'k-means classifier: number of classes K (default: 20, the VOC setting, at most half the number of images)',
        })
        .option('save-classifier', {
          type: 'string',
          describe: 'write the fitted classifier state (kmeans, knn) to this file, for sharded runs (--set kmeans.checkpoint=FILE)',
        })
        .option('fit-only', {
          type: 'boolean',
          describe:
            'only fit the classifier and write its state (--save-classifier); no outputs. With --shard: each shard writes its region embeddings and `acseg merge` fits once on all of them',
        }),
    async (argv) => setStatus(await segmentFolder(argv as RunArgs, true)),
  );
}

export function segmentCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('segment').usage,
    commandSpec('segment').describe,
    (a) => shardOptions(componentOptions(a)),
    async (argv) => setStatus(await segmentFolder(argv as RunArgs, false)),
  );
}
