import { describe, it, expect } from 'vitest';
import { RedSim, VirtualClock } from '../../../src/index.js';
import { pqsort } from '../../../src/commands/sort/pqsort.js';

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

const newSim = () => new RedSim({ clock: new VirtualClock(1_000_000), seed: 1 });

describe('pqsort (SORT BY ... LIMIT)', () => {
  it('puts the requested range in sorted order for any tie pattern', () => {
    const r = rng(77);
    for (let k = 0; k < 300; k++) {
      const n = 1 + r(120);
      const a = Array.from({ length: n }, (_, i) => ({ key: r(5), id: i }));
      const full = [...a].sort((x, y) => x.key - y.key).map((x) => x.key);
      const lo = r(n);
      const hi = lo + r(n - lo);
      const b = [...a];
      pqsort(b, (x, y) => x.key - y.key, lo, hi);
      expect(b.slice(lo, hi + 1).map((x) => x.key)).toEqual(full.slice(lo, hi + 1));
      expect(new Set(b.map((x) => x.id)).size).toBe(n); // a permutation
    }
  });
});

describe('SORT', () => {
  it('LIMIT selects the same window of the full order, for any offset/count', () => {
    const c = newSim().connect();
    const members = Array.from({ length: 25 }, (_, i) => String((i * 37) % 101 - 50));
    c.callSync('SADD', 's', ...members);
    const full = c.callSync('SORT', 's') as string[];
    expect(full).toEqual([...members].sort((a, b) => Number(a) - Number(b)));
    const r = rng(4);
    for (let k = 0; k < 200; k++) {
      const off = r(60) - 20;
      const cnt = r(60) - 20;
      const from = Math.max(off, 0);
      const want = cnt < 0 ? full.slice(from) : full.slice(from, from + cnt);
      expect(c.callSync('SORT', 's', 'LIMIT', String(off), String(cnt)), `${off} ${cnt}`).toEqual(want);
      // with a BY pattern the partial quicksort must give the same window
      expect(c.callSync('SORT', 's', 'BY', '*', 'LIMIT', String(off), String(cnt))).toEqual(
        c.callSync('SORT', 's', 'BY', 'nokey_*', 'LIMIT', String(off), String(cnt)));
    }
  });

  it('STORE writes a quicklist list, drops the TTL and dirties WATCH; an empty result deletes', () => {
    const sim = newSim();
    const a = sim.connect();
    const b = sim.connect();
    a.callSync('SADD', 's', 'b', 'a', 'c');
    a.callSync('SET', 'dst', 'x', 'EX', '100');
    a.callSync('WATCH', 'dst');
    expect(b.callSync('SORT', 's', 'ALPHA', 'STORE', 'dst')).toBe(3);
    const v = sim.dbs[0].data.get('dst');
    expect(v).toMatchObject({ type: 'list', enc: 'quicklist' });
    expect(v?.type === 'list' && v.v.toArray()).toEqual(['a', 'b', 'c']);
    expect(a.callSync('TTL', 'dst')).toBe(-1);
    a.callSync('MULTI');
    expect(a.callSync('EXEC')).toBe(null);
    expect(b.callSync('SORT', 's', 'ALPHA', 'LIMIT', '0', '0', 'STORE', 'dst')).toBe(0);
    expect(a.callSync('EXISTS', 'dst')).toBe(0);
  });

  it('reads BY/GET keys through lookupRead (hits and misses are counted)', () => {
    const c = newSim().connect();
    c.callSync('SADD', 's', '1', '2');
    c.callSync('SET', 'w_1', '5');
    c.callSync('CONFIG', 'RESETSTAT');
    expect(c.callSync('SORT', 's', 'BY', 'w_*', 'GET', 'g_*')).toEqual([null, null]);
    const info = String(c.callSync('INFO', 'stats'));
    // s (hit), w_1 (hit), w_2 (miss), g_2 and g_1 (misses)
    expect(info).toMatch(/keyspace_hits:2\r\n/);
    expect(info).toMatch(/keyspace_misses:3\r\n/);
  });

  it('reports a non-numeric weight only after sorting, and never stores', () => {
    const c = newSim().connect();
    c.callSync('SADD', 's', '1', 'x');
    expect(() => c.callSync('SORT', 's', 'STORE', 'd')).toThrow("One or more scores can't be converted into double");
    expect(c.callSync('EXISTS', 'd')).toBe(0);
    c.callSync('SET', 'w_x', '3');
    expect(c.callSync('SORT', 's', 'BY', 'w_*')).toEqual(['1', 'x']);
  });

  it('walks a sorted set in rank order with BY constant and converts listpack to skiplist', () => {
    const sim = newSim();
    const c = sim.connect();
    // Built through ZADD so the value has its real listpack encoding.
    c.callSync('ZADD', 'z', '3', 'c', '1', 'a', '2', 'bb', '2', 'b', '10', 'ten');
    const z = sim.dbs[0].data.get('z') as import('../../../src/keyspace/values.js').ZSetValue;
    expect(z.enc).toBe('listpack');
    expect(c.callSync('SORT', 'z', 'BY', 'nosort')).toEqual(['a', 'b', 'bb', 'c', 'ten']);
    expect(z.enc).toBe('skiplist');
    expect(c.callSync('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2')).toEqual(['c', 'bb']);
    expect(c.callSync('SORT', 'z', 'BY', 'nosort', 'LIMIT', '4', '10')).toEqual(['ten']);
    expect(c.callSync('SORT', 'z', 'ALPHA', 'DESC')).toEqual(['ten', 'c', 'bb', 'b', 'a']);
    expect(c.callSync('EVAL', "return redis.call('sort', KEYS[1], 'by', 'nosort')", '1', 'z')).toEqual(['a', 'b', 'bb', 'c', 'ten']);
  });
});
