/**
 * The first of `id`, `id-2`, `id-3`, … that `taken` does not reject. Every output named after an input
 * (`street.jpg` and `street.png` both give "street") goes through this one rule, so the feature cache and
 * `acseg run` name the same image the same way.
 */
export function uniqueId(id: string, taken: (candidate: string) => boolean): string {
  let candidate = id;
  for (let j = 2; taken(candidate); j++) candidate = `${id}-${j}`;
  return candidate;
}
