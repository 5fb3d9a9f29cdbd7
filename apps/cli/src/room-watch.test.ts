import { describe, expect, it } from 'vitest';
import { OutputRoomWatch } from './room-watch.js';

/** A disk whose free bytes are read from a script, one value a call; records the counts it was asked at. */
function scripted(values: Array<number | undefined>) {
  const asked: number[] = [];
  let n = 0;
  return {
    asked,
    setCount: (c: number) => (n = c),
    diskFree: async (dir: string) => {
      expect(dir).toBe('/out');
      asked.push(n);
      return values.shift();
    },
  };
}

async function feed(watch: OutputRoomWatch, disk: { setCount: (c: number) => void }, upTo: number): Promise<void> {
  for (let c = 1; c <= upTo; c++) {
    disk.setCount(c);
    await watch.written(c);
  }
}

describe('OutputRoomWatch', () => {
  it('measures the bytes an image takes between two counts and warns when the images left will not fit', async () => {
    // 80 MB used by the 200 images between 50 and 250: 400 KB an image; 750 left need 300 MB; 100 MB free.
    const disk = scripted([180e6, 100e6]);
    const warnings: string[] = [];
    const watch = new OutputRoomWatch('/out', 1000, (m) => warnings.push(m), disk.diskFree);
    await feed(watch, disk, 400);
    expect(disk.asked).toEqual([50, 250]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('/out: at about 400 KB an image, the 750 images left need about 300 MB more');
    expect(warnings[0]).toContain('100 MB free');
  });

  it('says nothing when they fit, when the disk says nothing, or for a run too short to measure', async () => {
    const fits = scripted([1e9, 920e6]); // 400 KB an image, 300 MB for the rest, 920 MB free
    const warnings: string[] = [];
    await feed(new OutputRoomWatch('/out', 1000, (m) => warnings.push(m), fits.diskFree), fits, 1000);
    expect(fits.asked).toEqual([50, 250]);

    const silent = scripted([undefined, undefined]);
    await feed(new OutputRoomWatch('/out', 1000, (m) => warnings.push(m), silent.diskFree), silent, 1000);

    const short = scripted([1, 0]);
    await feed(new OutputRoomWatch('/out', 250, (m) => warnings.push(m), short.diskFree), short, 250);
    expect(short.asked).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('takes space freed meanwhile (by another program) as none used', async () => {
    const disk = scripted([100e6, 150e6]);
    const warnings: string[] = [];
    await feed(new OutputRoomWatch('/out', 1e6, (m) => warnings.push(m), disk.diskFree), disk, 300);
    expect(warnings).toEqual([]);
  });
});
