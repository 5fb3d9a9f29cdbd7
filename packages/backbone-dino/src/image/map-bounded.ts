/**
 * `Promise.all(items.map(fn))` with at most `limit()` calls running at once, asked again before each start (so a limit
 * that falls as the calls learn more applies to the next ones). Results keep the items' order; `fn` should not throw.
 */
export function mapBounded<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, limit: () => number): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let running = 0;
  return new Promise<R[]>((resolve, reject) => {
    if (items.length === 0) return resolve(results);
    let done = 0;
    const fill = () => {
      while (next < items.length && running < Math.max(1, limit())) {
        const i = next++;
        running++;
        fn(items[i], i).then((r) => {
          results[i] = r;
          running--;
          if (++done === items.length) resolve(results);
          else fill();
        }, reject);
      }
    };
    fill();
  });
}
