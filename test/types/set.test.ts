import { describe, it, expect } from 'vitest';
import { noteDeleted, setRemove, setAdd, type SetLimits } from '../../src/types/set.js';
import { newHash, hashSet, hashDelete, type HashLimits } from '../../src/types/hash.js';
import { IndexedSet } from '../../src/types/indexed.js';

const HLIM: HashLimits = { maxEntries: 128, maxValue: 64 };
const SLIM: SetLimits = { maxIntset: 512 };

describe('churn compaction (noteDeleted)', () => {
  it('a hash whose one field is deleted and re-added keeps its fields, values and order', () => {
    const h = newHash();
    for (let i = 0; i < 2000; i++) hashSet(h, 'f' + i, 'v' + i, HLIM);
    expect(h.enc).toBe('hashtable');
    const map = h.v;
    // Interleave: the churned field ends up at a different place each time.
    for (let i = 0; i < 3000; i++) {
      expect(hashDelete(h, 'x')).toBe(i !== 0);
      if (i % 7 === 0) { hashDelete(h, 'f' + i); hashSet(h, 'f' + i, 'w' + i, HLIM); }
      hashSet(h, 'x', 'v' + i, HLIM);
    }
    // Model: same operations on a plain Map that is never rebuilt.
    const model = new Map<string, string>();
    for (let i = 0; i < 2000; i++) model.set('f' + i, 'v' + i);
    for (let i = 0; i < 3000; i++) {
      model.delete('x');
      if (i % 7 === 0) { model.delete('f' + i); model.set('f' + i, 'w' + i); }
      model.set('x', 'v' + i);
    }
    expect(h.v).toBe(map);
    expect([...h.v]).toEqual([...model]);
    expect(hashDelete(h, 'nope')).toBe(false);
  });

  it('a hashtable set keeps its members and order', () => {
    const sv = { type: 'set' as const, v: new IndexedSet(), enc: 'hashtable' as const, lru: 0 };
    for (let i = 0; i < 1000; i++) setAdd(sv, 'm' + i, SLIM);
    const model = new Set(sv.v);
    const set = sv.v;
    for (let i = 0; i < 5000; i++) {
      expect(setRemove(sv, 'm' + (i % 3))).toBe(true);
      model.delete('m' + (i % 3));
      setAdd(sv, 'm' + (i % 3), SLIM);
      model.add('m' + (i % 3));
    }
    expect(sv.v).toBe(set);
    expect([...sv.v]).toEqual([...model]);
  });

  it('leaves small containers alone and tolerates many distinct deletions', () => {
    const m = new Map<string, number>();
    for (let i = 0; i < 10; i++) m.set('k' + i, i);
    for (let i = 0; i < 100; i++) { m.delete('k0'); noteDeleted(m, 'k0'); m.set('k0', i); }
    expect([...m.keys()]).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k0']);
    const big = new Map<string, number>();
    for (let i = 0; i < 5000; i++) big.set('k' + i, i);
    for (let i = 0; i < 4000; i++) { big.delete('k' + i); noteDeleted(big, 'k' + i); }
    expect([...big.keys()]).toEqual(Array.from({ length: 1000 }, (_, i) => 'k' + (i + 4000)));
  });
});
