import { describe, it, expect } from 'vitest';
import { IndexedMap, IndexedSet, scanIndexed, randomKeyOf } from '../../src/types/indexed.js';
import { SeededRandom } from '../../src/random.js';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';

/**
 * Full scans interleaved with random inserts and deletes (enough deletes to force
 * several compactions mid-scan): every element present for the whole scan must be
 * returned, and nothing that never existed is.
 */
function checkGuarantee(seed: number, initial: number, count: number, writesPerCall: number, delBias: number) {
  const rnd = new SeededRandom(seed);
  const m = new IndexedMap<number>();
  let next = 0;
  for (let i = 0; i < initial; i++) m.set('k' + next++, 0);
  const startKeys = new Set(m.keys());
  const everDeleted = new Set<string>();
  const seen = new Set<string>();
  const ever = new Set(m.keys());
  let cursor = 0n;
  let calls = 0;
  do {
    const page = scanIndexed(m, cursor, count);
    for (const k of page.items) { expect(ever.has(k)).toBe(true); seen.add(k); }
    cursor = BigInt(page.cursor);
    for (let w = 0; w < writesPerCall; w++) {
      if (rnd.next() < delBias && m.size > 0) {
        const k = randomKeyOf(m, rnd);
        m.delete(k);
        everDeleted.add(k);
      } else {
        const k = 'k' + next++;
        m.set(k, 1);
        ever.add(k);
      }
    }
    calls++;
  } while (cursor !== 0n && calls < 1_000_000);
  expect(cursor).toBe(0n);
  for (const k of startKeys) if (!everDeleted.has(k)) expect(seen.has(k)).toBe(true);
  return { calls, compactions: m.ix ? m.ix.base : 0 };
}

describe('IndexedMap SCAN guarantee', () => {
  it('returns every element present throughout, across inserts, deletes and compactions', () => {
    for (let seed = 1; seed <= 20; seed++) {
      checkGuarantee(seed, 2000, 1 + (seed % 50), 3 + (seed % 7), 0.6);
    }
  });

  it('survives a burst that compacts several times during one scan', () => {
    const m = new IndexedMap<number>();
    for (let i = 0; i < 10_000; i++) m.set('k' + i, i);
    const seen = new Set<string>();
    let page = scanIndexed(m, 0n, 100);
    page.items.forEach((k) => seen.add(k));
    // Delete 3/4 of the keys (not k%4==3) in steps: each step compacts.
    for (let i = 0; i < 10_000; i++) if (i % 4 !== 3) m.delete('k' + i);
    for (let i = 0; i < 5000; i++) m.set('n' + i, i);
    let cursor = BigInt(page.cursor);
    while (cursor !== 0n) {
      page = scanIndexed(m, cursor, 100);
      page.items.forEach((k) => seen.add(k));
      cursor = BigInt(page.cursor);
    }
    for (let i = 3; i < 10_000; i += 4) expect(seen.has('k' + i)).toBe(true);
  });

  it('a cursor from a forgotten generation restarts (duplicates, nothing missed)', () => {
    const m = new IndexedMap<number>();
    for (let i = 0; i < 1000; i++) m.set('k' + i, i);
    const first = scanIndexed(m, 0n, 10);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 1000; i++) m.set('t' + round + ':' + i, i);
      for (let i = 0; i < 1000; i++) m.delete('t' + round + ':' + i);
    }
    const seen = new Set(first.items);
    let cursor = BigInt(first.cursor);
    while (cursor !== 0n) {
      const p = scanIndexed(m, cursor, 50);
      p.items.forEach((k) => seen.add(k));
      cursor = BigInt(p.cursor);
    }
    expect(seen.size).toBe(1000);
  });

  it('costs O(COUNT) per call: a full scan of 200k keys with COUNT 10 is linear', () => {
    const s = new IndexedSet();
    for (let i = 0; i < 200_000; i++) s.add('m' + i);
    const t0 = performance.now();
    let cursor = 0n, n = 0;
    do { const p = scanIndexed(s, cursor, 10); n += p.items.length; cursor = BigInt(p.cursor); } while (cursor !== 0n);
    expect(n).toBe(200_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('live keys in slot order stay the Map order', () => {
    const rnd = new SeededRandom(3);
    const m = new IndexedMap<number>();
    for (let i = 0; i < 500; i++) m.set('k' + i, i);
    m.index();
    for (let i = 0; i < 5000; i++) {
      const k = 'k' + rnd.int(700);
      if (rnd.next() < 0.5) m.delete(k); else m.set(k, i);
      if (i % 997 === 0) m.rebuild();
    }
    expect(m.ix!.keys.filter((k) => k !== undefined)).toEqual([...m.keys()]);
    expect(m.ix!.pos.size).toBe(m.size);
  });
});

describe('random picks', () => {
  it('are uniform under interleaved writes', () => {
    const rnd = new SeededRandom(5);
    const s = new IndexedSet();
    for (let i = 0; i < 1000; i++) s.add('m' + i);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      s.add('x' + i);
      s.delete('x' + i);
      const k = randomKeyOf(s, rnd);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(1000);
    for (const n of counts.values()) { expect(n).toBeGreaterThan(40); expect(n).toBeLessThan(170); }
  });

  it('SADD + SPOP and HSET + HRANDFIELD interleaved on big collections stay fast', () => {
    const c = new RedSim({ clock: new VirtualClock(), seed: 1 }).connect();
    const members = Array.from({ length: 100_000 }, (_, i) => 'm' + i);
    for (let i = 0; i < members.length; i += 1000) c.callSync('SADD', 's', ...members.slice(i, i + 1000));
    for (let i = 0; i < 100_000; i += 500) c.callSync('HSET', 'h', ...members.slice(i, i + 500).flatMap((m) => [m, 'v']));
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      c.callSync('SADD', 's', 'n' + i);
      c.callSync('SPOP', 's');
      c.callSync('HSET', 'h', 'n' + i, 'v');
      c.callSync('HRANDFIELD', 'h', '5');
      c.callSync('SRANDMEMBER', 's', '-5');
      c.callSync('RANDOMKEY');
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('a seeded run repeats exactly', () => {
    const run = () => {
      const c = new RedSim({ clock: new VirtualClock(), seed: 77 }).connect();
      const out: unknown[] = [];
      for (let i = 0; i < 3000; i++) {
        c.callSync('SADD', 's', 'm' + i);
        c.callSync('HSET', 'h', 'f' + i, 'v' + i);
        c.callSync('ZADD', 'z', String(i), 'z' + i);
        c.callSync('SET', 'k' + i, 'v');
        if (i % 3 === 0) out.push(c.callSync('SPOP', 's'));
        if (i % 50 === 0) {
          out.push(c.callSync('RANDOMKEY'), c.callSync('SRANDMEMBER', 's', '7'), c.callSync('SRANDMEMBER', 's', '-7'),
            c.callSync('HRANDFIELD', 'h', '4', 'WITHVALUES'), c.callSync('HRANDFIELD', 'h', '-4'),
            c.callSync('ZRANDMEMBER', 'z', '3'), c.callSync('SPOP', 's', '3'));
        }
      }
      return out;
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a.slice(0, 200).map(String)).size).toBeGreaterThan(50);
  });
});
