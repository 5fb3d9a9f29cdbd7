import { describe, expect, it } from 'vitest';
import { RecordIndex } from './record-index.js';

describe('RecordIndex', () => {
  it('finds every record of thousands added with gaps (grown past its first arrays), forgets one, refuses disorder', () => {
    const at = new RecordIndex();
    const want = new Map<number, { offset: number; size: number; extra: number }>();
    let offset = 0;
    for (let i = 0; i < 5000; i += 1 + (i % 3)) {
      const size = 10 + (i % 17);
      // Offsets beyond 2³² (a large scratch file) stay exact in the float64 column.
      const at64 = offset + 2 ** 33;
      at.add(i, at64, size, i * 7);
      want.set(i, { offset: at64, size, extra: i * 7 });
      offset += size;
    }
    for (let i = 0; i < 5000; i++) expect(at.find(i)).toEqual(want.get(i));
    expect(at.last).toBe(Math.max(...want.keys()));
    at.forget(1);
    expect(at.find(1)).toBeUndefined();
    expect(at.find(2)).toEqual(want.get(2));
    expect(() => at.add(at.last, 0, 1)).toThrow(RangeError);
  });
});
