import {
  backgroundRegions,
  foregroundScores,
  type ClassifierContext,
  type ClassifierNeeds,
  type ClassifyInput,
  type ConceptClassifier,
  type RegionLabel,
} from '@acseg/core';
import { checkChoice, type BackgroundChoice } from './options.js';

export type BackgroundClassifierOptions = Omit<BackgroundChoice, 'background'>;

/**
 * The background rule alone (paper §3.5): class 0 (background) or 1
 * (foreground) per region. With attention, a region's score is its
 * foreground score (attention summed over its pixels); with the border
 * prior there is no score.
 */
export class BackgroundClassifier implements ConceptClassifier {
  readonly name = 'background';
  readonly needs: ClassifierNeeds = { attention: true };
  private readonly options: BackgroundClassifierOptions;

  constructor(options: BackgroundClassifierOptions = {}) {
    checkChoice(this.name, options);
    this.options = options;
  }

  async classify(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<RegionLabel[][]> {
    const o = this.options;
    const rule = o.backgroundRule ?? 'auto';
    return inputs.map(({ features, regions }) => {
      const bg = backgroundRegions(features, regions, { headReduce: o.headReduce, regionReduce: o.regionReduce, rule });
      const attention = rule === 'attention' || (rule === 'auto' && features.attention !== undefined);
      const scores = attention ? foregroundScores(features, regions, o) : undefined;
      return bg.map((isBackground, region) => {
        const classId = isBackground ? 0 : 1;
        const label: RegionLabel = { region, classId, className: context.classNames?.[classId] ?? (isBackground ? 'background' : 'foreground') };
        if (scores) label.score = scores[region];
        return label;
      });
    });
  }
}
