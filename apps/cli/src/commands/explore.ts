import type { Argv } from 'yargs';
import { AcsegError, type ProgressBar } from '@acseg/core';
import { buildExplorer, serveExplorer, writeFigures, MISSING } from '@acseg/explorer';
import { datasetGroundTruth } from '../dataset-ground-truth.js';
import { EXIT } from '../exit.js';
import { retrievalEmbedding } from '../retrieval-embedding.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { backboneOptions, datasetOptions } from '../option-groups.js';

type ExploreArgs = GlobalArgs & {
  run: string;
  out?: string;
  features?: string;
  groundTruth?: string;
  dataset?: string;
  root?: string;
  split: string;
  seed: number;
  epochs: number;
  maps?: number;
  figures: boolean;
  image?: string;
  serve: boolean;
  port: number;
  backbone?: string;
  model?: string;
  imageSize?: string;
};

const WHAT: Record<keyof typeof MISSING, string> = {
  json: 'per-image JSON',
  regions: 'region map',
  features: 'features',
  groundTruth: 'ground truth',
  thumb: 'thumbnail',
  classes: 'class map',
};

/** "features missing for 2 of 6 images: b, c" per kind, a few ids named. */
function missingLines(missing: Record<keyof typeof MISSING, string[]>, total: number): string[] {
  return (Object.keys(WHAT) as Array<keyof typeof MISSING>)
    .filter((k) => missing[k].length)
    .map((k) => {
      const ids = missing[k];
      return `  ${WHAT[k]} missing for ${ids.length} of ${total} images: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
    });
}

export function exploreCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('explore').usage,
    commandSpec('explore').describe,
    (a) => {
      const inputs = a
        .positional('run', { type: 'string', describe: 'output folder of acseg run or segment' })
        .option('out', { type: 'string', describe: 'folder for the explorer (default <run>/explore)' })
        .option('features', {
          type: 'string',
          describe: "feature cache of the run's images (run --features-cache, or acseg features); without it: no concept maps, no retrieval",
        })
        .option('ground-truth', { type: 'string', describe: 'folder of ground-truth class-index PNGs named <id>.png (per-image IoU, grid column)' });
      const drawing = datasetOptions(
        inputs,
        {
          dataset: 'ground truth from this dataset, read as acseg eval reads it (with --root; the run was made on its images)',
          root: 'dataset root folder with --dataset',
          split: 'dataset split with --dataset',
        },
        'val',
      )
        .option('seed', { type: 'number', default: 0, describe: 'seed of the concept maps (UMAP)' })
        .option('epochs', { type: 'number', default: 200, describe: 'UMAP epochs per image' })
        .option('maps', {
          type: 'number',
          describe: 'concept maps (UMAP, 0.2-1 s an image) for at most N images, the first by id (default: all; they are cached for the next build)',
        })
        .option('figures', { type: 'boolean', default: false, describe: 'also write Figures 4, 5, 6 as SVG and PNG into <out>/figures' })
        .option('image', { type: 'string', describe: 'image id of Figures 4 and 6 (default: the first with a concept map)' });
      return backboneOptions(drawing, {
        backbone:
          "region embeddings for retrieval from this backbone, as the k-NN classifier makes them (dino: the ViT on each region's masked crop); default: the backbone the feature cache records, else means of the cached patch features",
        model: 'backbone model with --backbone (name or .onnx path)',
      })
        .option('serve', { type: 'boolean', default: false, describe: 'serve the explorer on localhost until Ctrl-C' })
        .option('port', { type: 'number', default: 0, describe: 'port for --serve (default: a free one)' });
    },
    async (args) => {
      const argv = args as unknown as ExploreArgs;
      if (argv.dataset && argv.groundTruth)
        throw new AcsegError('BAD_CONFIG', 'give the ground truth once: --ground-truth DIR or --dataset NAME --root DIR', { hint: 'drop one of them' });
      if (argv.dataset && !argv.root) throw new AcsegError('BAD_CONFIG', `--dataset ${argv.dataset} needs --root (the dataset folder)`);
      const session = await Session.open(argv);
      const groundTruth = argv.dataset ? await datasetGroundTruth(argv.dataset, argv.root!, argv.split) : argv.groundTruth;
      const retrieval = await retrievalEmbedding(session, argv);
      const backbone = retrieval?.backbone;
      if (backbone && typeof backbone.regionEmbeddings !== 'function') {
        await backbone.dispose?.();
        throw new AcsegError('BAD_CONFIG', `--backbone ${backbone.name}: this backbone makes no region embeddings`, {
          hint: 'name one that does (acseg plugins list), or leave --backbone out',
        });
      }
      let bar: ProgressBar | undefined;
      let r;
      try {
        r = await buildExplorer({
          run: argv.run,
          out: argv.out,
          features: argv.features,
          groundTruth,
          seed: argv.seed,
          epochs: argv.epochs,
          maxMaps: argv.maps,
          embed: backbone ? (source, regions, which, features) => backbone.regionEmbeddings!(source, regions, which, features) : undefined,
          embedKey: retrieval?.key,
          embedding: retrieval?.words,
          onStart: (total) => {
            bar = session.progress.start('explore: concept maps', total);
          },
          onImage: (done) => bar?.update(done),
        });
      } finally {
        bar?.stop();
        await backbone?.dispose?.();
      }
      const lines = [
        `explorer of ${r.images} images in ${r.dir} (open ${r.html}; ${r.cachedLayouts} concept maps from its cache)`,
        ...(retrieval ? [`retrieval: ${retrieval.words}${r.cachedEmbeddings ? ` (${r.cachedEmbeddings} images' embeddings from its cache)` : ''}`] : []),
        ...missingLines(r.missing, r.images),
      ];
      if (argv.figures) {
        const f = await writeFigures({ dir: r.dir, image: argv.image });
        lines.push(
          `figures: ${
            f.files
              .filter((p) => p.endsWith('.svg'))
              .map((p) => p.replace(/\.svg$/, '.{svg,png}'))
              .join(', ') || 'none'
          }`,
        );
        for (const s of f.skipped) lines.push(`  not drawn: ${s}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      if (!argv.serve) return;
      const served = await serveExplorer(r.dir, argv.port);
      const onDemand = argv.features ? '; concept maps that --maps left out are computed when an image is opened' : '';
      process.stdout.write(`serving ${r.dir} at ${served.url}${onDemand} (Ctrl-C to stop)\n`);
      await new Promise<void>((ok) => {
        process.once('SIGINT', ok);
        process.once('SIGTERM', ok);
      });
      await served.close();
      setStatus(EXIT.ok);
    },
  );
}
