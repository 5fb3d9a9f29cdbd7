import { AcsegError, type RegionLabel } from '@acseg/core';

/** Each region's predicted id (255 where the classifier gave none), checked to be 0..255. */
export function regionIds(regionCount: number, labels: readonly RegionLabel[], classifier: string, id: string): Uint8Array {
  const ids = new Uint8Array(regionCount).fill(255);
  for (const l of labels) {
    if (!Number.isInteger(l.classId) || l.classId < 0 || l.classId > 255) {
      throw new AcsegError(
        'PLUGIN_FAILED',
        `classifier ${classifier} gave region ${l.region} of ${id} class id ${l.classId}; ids must be 0..254 (255 = unlabelled)`,
        { plugin: classifier, stage: 'classify' },
      );
    }
    if (l.region >= 0 && l.region < regionCount) ids[l.region] = l.classId;
  }
  return ids;
}

export function checkCount(got: readonly unknown[], want: number, classifier: string): void {
  if (got.length !== want)
    throw new AcsegError('PLUGIN_FAILED', `classifier ${classifier} returned ${got.length} label lists for ${want} images`, { plugin: classifier });
}
