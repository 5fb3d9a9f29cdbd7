import { describe, expect, it } from 'vitest';
import { formatDuration, plainProgress, PLAIN_LINE_EVERY_MS } from './plain-progress.js';

function recorder(total: number, extra: (v?: Record<string, string | number>) => string = () => '') {
  let t = 1_000_000;
  const lines: string[] = [];
  const bar = plainProgress(
    'segment',
    total,
    (l) => lines.push(l),
    extra,
    () => t,
  );
  return { bar, lines, at: (seconds: number) => (t = 1_000_000 + seconds * 1000) };
}

describe('plain progress lines (stderr not a terminal: CI, Slurm and Kubernetes logs)', () => {
  it('a line at each tenth with elapsed time, rate and the time left at that rate', () => {
    const { bar, lines, at } = recorder(1000);
    for (let done = 1; done <= 1000; done++) {
      at(done / 10); // 10 images a second
      bar.update(done);
    }
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('segment: 1/1000 (0.1 s, 10/s, eta 1m40s)\n');
    expect(lines[1]).toBe('segment: 100/1000 (10.0 s, 10/s, eta 1m30s)\n');
    expect(lines[10]).toBe('segment: 1000/1000 (100.0 s, 10/s)\n');
  });

  it('slow work still writes a line a minute; a fast tenth does not write more than one', () => {
    const { bar, lines, at } = recorder(49_000);
    bar.update(0);
    at(59);
    bar.update(100);
    expect(lines).toHaveLength(1);
    at(PLAIN_LINE_EVERY_MS / 1000 + 1);
    bar.update(110);
    expect(lines[1]).toBe('segment: 110/49000 (61.0 s, 1.8/s, eta 7h31m)\n');
    at(90);
    bar.update(150);
    expect(lines).toHaveLength(2);
  });

  it("keeps the caller's values, and a bar's own eta alone", () => {
    const { bar, lines, at } = recorder(10, (v) =>
      v
        ? Object.entries(v)
            .map(([k, x]) => `${k} ${x}`)
            .join(' | ')
        : '',
    );
    at(2);
    bar.update(5, { skipped: 1 });
    at(4);
    bar.update(6, { loss: -0.05, eta: '0m03s' });
    expect(lines).toEqual(['segment: 5/10 skipped 1 (2.0 s, 2.5/s, eta 2 s)\n', 'segment: 6/10 loss -0.05 | eta 0m03s (4.0 s)\n']);
  });

  it('durations as a log reads them', () => {
    expect([0, 42.4, 59.6, 187, 3600, 7530].map(formatDuration)).toEqual(['0 s', '42 s', '1m00s', '3m07s', '1h00m', '2h05m']);
  });
});
