import { AcsegError, type ComponentOptions, type ConceptClassifier } from '@acseg/core';

/**
 * The classifier a shard uses, and any run given a fitted state (`--set kmeans.checkpoint=FILE`): one that needs no
 * fitting as it is, or one fitted once and loaded from its state file, with its `fit` hidden so the run labels its
 * images with that state instead of fitting again (a shard's part would give each shard other clusters; new photos
 * would get other clusters than the ones the state was fitted to).
 */
export function frozenClassifier(clf: ConceptClassifier, options: ComponentOptions): ConceptClassifier {
  const fits = !!(clf.needs.fit && (clf.fit || clf.fitDigests));
  if (!fits) return clf;
  if (typeof options.checkpoint !== 'string' || !options.checkpoint) {
    throw new AcsegError('BAD_CONFIG', `a shard cannot fit classifier ${clf.name} on its part of the images: it must be fitted once on all of them`, {
      hint: `fit it once (acseg run ... --save-classifier state.safetensors) and give the shards --set ${clf.name}.checkpoint=state.safetensors`,
    });
  }
  // Every member but the fitting ones, bound to the loaded classifier (a class instance: no spreading).
  return {
    name: clf.name,
    needs: { ...clf.needs, fit: false },
    check: clf.check?.bind(clf),
    classify: clf.classify.bind(clf),
    digest: clf.digest?.bind(clf),
    classifyDigests: clf.classifyDigests?.bind(clf),
    save: clf.save?.bind(clf),
    load: clf.load?.bind(clf),
    dispose: clf.dispose?.bind(clf),
  };
}
