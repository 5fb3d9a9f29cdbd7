import { AcsegError } from '@acseg/core';

/** The 80 ImageNet prompt templates of CLIP (Radford et al. 2021, notebooks/Prompt_Engineering_for_ImageNet.ipynb). */
export const IMAGENET_TEMPLATES: readonly string[] = [
  'a bad photo of a {}.',
  'a photo of many {}.',
  'a sculpture of a {}.',
  'a photo of the hard to see {}.',
  'a low resolution photo of the {}.',
  'a rendering of a {}.',
  'graffiti of a {}.',
  'a bad photo of the {}.',
  'a cropped photo of the {}.',
  'a tattoo of a {}.',
  'the embroidered {}.',
  'a photo of a hard to see {}.',
  'a bright photo of a {}.',
  'a photo of a clean {}.',
  'a photo of a dirty {}.',
  'a dark photo of the {}.',
  'a drawing of a {}.',
  'a photo of my {}.',
  'the plastic {}.',
  'a photo of the cool {}.',
  'a close-up photo of a {}.',
  'a black and white photo of the {}.',
  'a painting of the {}.',
  'a painting of a {}.',
  'a pixelated photo of the {}.',
  'a sculpture of the {}.',
  'a bright photo of the {}.',
  'a cropped photo of a {}.',
  'a plastic {}.',
  'a photo of the dirty {}.',
  'a jpeg corrupted photo of a {}.',
  'a blurry photo of the {}.',
  'a photo of the {}.',
  'a good photo of the {}.',
  'a rendering of the {}.',
  'a {} in a video game.',
  'a photo of one {}.',
  'a doodle of a {}.',
  'a close-up photo of the {}.',
  'a photo of a {}.',
  'the origami {}.',
  'the {} in a video game.',
  'a sketch of a {}.',
  'a doodle of the {}.',
  'a origami {}.',
  'a low resolution photo of a {}.',
  'the toy {}.',
  'a rendition of the {}.',
  'a photo of the clean {}.',
  'a photo of a large {}.',
  'a rendition of a {}.',
  'a photo of a nice {}.',
  'a photo of a weird {}.',
  'a blurry photo of a {}.',
  'a cartoon {}.',
  'art of a {}.',
  'a sketch of the {}.',
  'a embroidered {}.',
  'a pixelated photo of a {}.',
  'itap of the {}.',
  'a jpeg corrupted photo of the {}.',
  'a good photo of a {}.',
  'a plushie {}.',
  'a photo of the nice {}.',
  'a photo of the small {}.',
  'a photo of the weird {}.',
  'the cartoon {}.',
  'art of the {}.',
  'a drawing of the {}.',
  'a photo of the large {}.',
  'a black and white photo of a {}.',
  'the plushie {}.',
  'a dark photo of a {}.',
  'itap of a {}.',
  'graffiti of the {}.',
  'a toy {}.',
  'itap of my {}.',
  'a photo of a cool {}.',
  'a photo of a small {}.',
  'a tattoo of the {}.',
];

/** MaskCLIP's five scene templates (Zhou et al. 2022, tools/maskclip_utils/prompt_engineering.py). */
export const SCENE_TEMPLATES: readonly string[] = [
  'there is a {} in the scene.',
  'there is the {} in the scene.',
  'this is a {} in the scene.',
  'this is the {} in the scene.',
  'this is one {} in the scene.',
];

/** Named template sets for the `templates` option. `imagenet80+scene` = MaskCLIP's 85. */
export const TEMPLATE_SETS: Readonly<Record<string, readonly string[]>> = {
  'imagenet80+scene': [...IMAGENET_TEMPLATES, ...SCENE_TEMPLATES],
  imagenet80: IMAGENET_TEMPLATES,
  scene: SCENE_TEMPLATES,
  simple: ['a photo of a {}.'],
};

/**
 * The `templates` option: a set name, or custom templates separated by `|`
 * (each with one `{}` where the class name goes), or an array of them.
 */
export function resolveTemplates(option: unknown): readonly string[] {
  if (option === undefined) return TEMPLATE_SETS['imagenet80+scene'];
  const list = Array.isArray(option) ? option : typeof option === 'string' ? (TEMPLATE_SETS[option] ?? option.split('|')) : null;
  if (!list || list.length === 0) {
    throw new AcsegError(
      'BAD_CONFIG',
      `templates: expected one of ${Object.keys(TEMPLATE_SETS).join(', ')} or templates separated by "|", got ${JSON.stringify(option)}`,
    );
  }
  for (const t of list) {
    if (typeof t !== 'string' || !t.includes('{}')) {
      throw new AcsegError('BAD_CONFIG', `templates: "${String(t)}" has no "{}" where the class name goes`, {
        hint: 'e.g. --templates "a photo of a {}.|a {} in the scene."',
      });
    }
  }
  return list as string[];
}

/** VOC's run-together names, spelled as MaskCLIP prompts them. */
const PROMPT_NAMES: Readonly<Record<string, string>> = {
  diningtable: 'dining table',
  pottedplant: 'potted plant',
  tvmonitor: 'tv monitor',
  aeroplane: 'aeroplane',
  motorbike: 'motorbike',
};

/** The name put into a template: known run-together names split, `_` as a space. */
export function promptName(className: string): string {
  const key = className.trim().toLowerCase();
  return PROMPT_NAMES[key] ?? className.trim().replace(/_+/g, ' ');
}

export function fillTemplate(template: string, className: string): string {
  return template.split('{}').join(promptName(className));
}
