import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_PRESETS, classPreset } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { CAMVID_CLASSES, COCO_DATA_DIR, VOC_CLASSES } from './index.js';

describe("core's class presets are the evaluation's class lists", () => {
  it("cocostuff27 equals coarse_names of the bundled mapping.json; voc and camvid are the readers' lists", () => {
    const mapping = JSON.parse(readFileSync(join(COCO_DATA_DIR, 'mapping.json'), 'utf8')) as { coarse_names: string[] };
    expect([...CLASS_PRESETS.cocostuff27]).toEqual(mapping.coarse_names);
    expect(VOC_CLASSES).toEqual([...CLASS_PRESETS.voc]);
    expect(VOC_CLASSES.length).toBe(21);
    expect(CAMVID_CLASSES).toEqual([...CLASS_PRESETS.camvid]);
    expect(classPreset(' VOC ')).toEqual(VOC_CLASSES);
    expect(classPreset('cat,dog')).toBeUndefined();
  });
});
