/**
 * Class vocabularies of the paper's datasets, for `--classes voc|cocostuff27|camvid` and the dataset readers of
 * @acseg/eval (which use these lists, so a preset names classes exactly as the evaluation does).
 */
export const CLASS_PRESETS = {
  /** PASCAL VOC 2012: background + 20 objects, index = palette index of SegmentationClass. */
  voc: [
    'background',
    'aeroplane',
    'bicycle',
    'bird',
    'boat',
    'bottle',
    'bus',
    'car',
    'cat',
    'chair',
    'cow',
    'diningtable',
    'dog',
    'horse',
    'motorbike',
    'person',
    'pottedplant',
    'sheep',
    'sofa',
    'train',
    'tvmonitor',
  ],
  /** COCO-Stuff-27 coarse classes (IIC/PiCIE/STEGO; things 0..11, stuff 12..26; "food" and "furniture" are both). */
  cocostuff27: [
    'electronic',
    'appliance',
    'food',
    'furniture',
    'indoor',
    'kitchen',
    'accessory',
    'animal',
    'outdoor',
    'person',
    'sports',
    'vehicle',
    'ceiling',
    'floor',
    'food',
    'furniture',
    'rawmaterial',
    'textile',
    'wall',
    'window',
    'building',
    'ground',
    'plant',
    'sky',
    'solid',
    'structural',
    'water',
  ],
  /** CamVid, SegNet's 11 classes. */
  camvid: ['Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree', 'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist'],
} as const satisfies Record<string, readonly string[]>;

export type ClassPresetName = keyof typeof CLASS_PRESETS;

/** The preset's names (a fresh array), or undefined when `name` is not a preset. */
export function classPreset(name: string): string[] | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(CLASS_PRESETS, key) ? [...CLASS_PRESETS[key as ClassPresetName]] : undefined;
}
