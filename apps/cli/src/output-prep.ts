import type { ImageOutputsInput } from '@acseg/report';
import { assignmentToRegions, classMap, regionBoxes, type ImageInput, type RegionLabel, type RegionMap, type UpsampleInput } from '@acseg/core';

/**
 * What an output worker needs of one segmented image: the region map and labels rather than the class map, region
 * map and records made from them, so that making those (a pass over every pixel, and the boxes) runs on the worker
 * too, not on the thread that segments the next images.
 */
export interface OutputJob {
  id: string;
  source: string;
  image: ImageInput;
  /** The region map, or (not made yet: deferredRegions) what to make it from, here. */
  regions: RegionMap | { deferred: UpsampleInput };
  labels?: RegionLabel[];
  classNames?: readonly string[];
  backbone: string;
  generator: string;
  classifier: string | null;
}

/** Region index per pixel as 8 bits (255 = none), for `<id>.regions.png`. */
function regionMapOf(regions: RegionMap): Uint8Array {
  const map = new Uint8Array(regions.labels.length);
  // Under 256 regions every index fits a byte: a native conversion, the same bytes as clamping each.
  if (regions.count <= 255) map.set(regions.labels);
  else for (let p = 0; p < map.length; p++) map[p] = Math.min(255, regions.labels[p]);
  return map;
}

/**
 * Regions' class ids, or (no classifier: `acseg segment`) each region as its own id, and the region map; without a
 * classifier and under 255 regions the two maps are the same bytes, made once.
 */
function mapsOf(regions: RegionMap, labels: RegionLabel[] | undefined, classNames?: readonly string[]) {
  const boxes = regionBoxes(regions);
  const regionMap = regionMapOf(regions);
  if (!labels) {
    let map = regionMap;
    if (regions.count > 254) {
      map = new Uint8Array(regions.labels.length);
      for (let p = 0; p < map.length; p++) map[p] = Math.min(254, regions.labels[p]);
    }
    const records = regions.pixelCounts.map((pixels, region) => ({
      region,
      classId: Math.min(254, region),
      className: `region ${region}`,
      pixels,
      bbox: boxes[region],
      concept: regions.concepts[region],
    }));
    return { map, regionMap, records };
  }
  const records = labels.map((l) => ({
    region: l.region,
    classId: l.classId,
    className: l.className ?? classNames?.[l.classId] ?? (l.classId === 0 ? 'background' : `class ${l.classId}`),
    score: l.score,
    pixels: regions.pixelCounts[l.region],
    bbox: boxes[l.region],
    concept: regions.concepts[l.region],
  }));
  return { map: classMap({ regions, labels }), regionMap, records };
}

/** The job's outputs as `writeImageOutputs` takes them. */
export function outputsInput(job: OutputJob): ImageOutputsInput {
  const regions = 'deferred' in job.regions ? assignmentToRegions(job.regions.deferred) : job.regions;
  const { map, regionMap, records } = mapsOf(regions, job.labels, job.classNames);
  return {
    id: job.id,
    source: job.source,
    image: job.image,
    classMap: map,
    regionMap,
    width: regions.width,
    height: regions.height,
    regions: records,
    backbone: job.backbone,
    generator: job.generator,
    classifier: job.classifier,
  };
}
