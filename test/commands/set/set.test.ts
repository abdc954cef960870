import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { SeededRandom } from '../../../src/random.js';
import type { SetValue } from '../../../src/keyspace/values.js';
import { setAddMany, setFromMembers, newSetFor, isIntsetMember } from '../../../src/types/set.js';
import { randomKeyOf as randomKey } from '../../../src/types/indexed.js';

const mk = (seed = 1) => {
  const sim = new RedSim({ clock: new VirtualClock(), seed });
  return { sim, c: sim.connect() };
};
const setOf = (sim: RedSim, key: string) => sim.dbs[0].data.get(key) as SetValue;
const big = (xs: string[]) => xs.map(BigInt);
const ascending = (xs: string[]) => big(xs).every((v, i, a) => i === 0 || a[i - 1] < v);

describe('set value helpers', () => {
  it('only canonical int64 strings are intset members', () => {
    for (const m of ['0', '-1', '9223372036854775807', '-9223372036854775808']) expect(isIntsetMember(m)).toBe(true);
    for (const m of ['', '-0', '01', '+1', ' 1', '1 ', '1.0', '9223372036854775808', 'a']) expect(isIntsetMember(m)).toBe(false);
  });

  it('keeps an intset in ascending order whatever the insertion order', () => {
    const rnd = new SeededRandom(11);
    const lim = { maxIntset: 10_000 };
    const sv = newSetFor('0');
    const all = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 20 }, () => {
        const x = BigInt(rnd.int(2 ** 31)) * BigInt(rnd.int(2 ** 31)) * (rnd.next() < 0.5 ? -1n : 1n);
        return (rnd.next() < 0.3 ? BigInt(rnd.int(100)) : x).toString();
      });
      const fresh = batch.filter((m, i) => !all.has(m) && batch.indexOf(m) === i).length;
      expect(setAddMany(sv, batch, lim)).toBe(fresh);
      for (const m of batch) all.add(m);
      expect(sv.enc).toBe('intset');
      expect(ascending([...sv.v])).toBe(true);
    }
    expect(sv.v.size).toBe(all.size);
  });

  it('converts on a non-integer or on one entry too many, with the intset members first', () => {
    const sv = setFromMembers(['3', '1', '2', 'x', '0'], { maxIntset: 10 });
    expect(sv.enc).toBe('hashtable');
    expect([...sv.v]).toEqual(['1', '2', '3', 'x', '0']);
    const sv2 = setFromMembers(['5', '4', '3', '2'], { maxIntset: 3 });
    expect(sv2.enc).toBe('hashtable');
    // The member that overflows is inserted into the intset before the conversion.
    expect([...sv2.v]).toEqual(['2', '3', '4', '5']);
    expect(setFromMembers(['5', '4', '3'], { maxIntset: 3 }).enc).toBe('intset');
    expect(setFromMembers(['1'], { maxIntset: 0 }).enc).toBe('hashtable');
  });
});

describe('randomKey', () => {
  it('stays uniform over live keys after removals and re-additions', () => {
    const rnd = new SeededRandom(9);
    const lim = { maxIntset: 0 };
    const sv = newSetFor('a');
    setAddMany(sv, Array.from({ length: 40 }, (_, i) => `k${i}`), lim);
    randomKey(sv.v, rnd); // take a snapshot, then make most of it stale
    for (let i = 0; i < 36; i++) sv.v.delete(`k${i}`);
    setAddMany(sv, ['k0', 'new'], lim);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const k = randomKey(sv.v, rnd);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['k0', 'k36', 'k37', 'k38', 'k39', 'new']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });
});

describe('set commands', () => {
  it('SMEMBERS of an intset is sorted; mixed sets keep every member', () => {
    const { c } = mk();
    c.callSync('SADD', 's', '10', '-3', '7', '9223372036854775807', '-9223372036854775808', '0');
    expect(c.callSync('SMEMBERS', 's')).toEqual(['-9223372036854775808', '-3', '0', '7', '10', '9223372036854775807']);
    c.callSync('SADD', 's', 'a');
    expect(c.callSync('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    expect((c.callSync('SMEMBERS', 's') as string[]).sort()).toEqual(['-3', '-9223372036854775808', '0', '10', '7', '9223372036854775807', 'a']);
  });

  it('SPOP with a large count rebuilds the set: the encoding follows the survivors and the TTL stays', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { sim, c } = mk(seed);
      c.callSync('SADD', 's', 'a', '1', '2', '3', '4', '5');
      c.callSync('EXPIRE', 's', '100');
      const popped = c.callSync('SPOP', 's', '5') as string[];
      expect(popped).toHaveLength(5);
      const [left] = c.callSync('SMEMBERS', 's') as string[];
      expect(new Set([...popped, left]).size).toBe(6);
      expect(setOf(sim, 's').enc).toBe(left === 'a' ? 'hashtable' : 'intset');
      expect(c.callSync('TTL', 's')).toBe(100);
    }
  });

  it('SPOP and SRANDMEMBER follow the seeded source', () => {
    const run = (seed: number) => {
      const { c } = mk(seed);
      c.callSync('SADD', 's', ...Array.from({ length: 30 }, (_, i) => `m${i}`));
      return [c.callSync('SRANDMEMBER', 's', '-10'), c.callSync('SRANDMEMBER', 's', '5'), c.callSync('SPOP', 's', '3'), c.callSync('SPOP', 's')];
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('SRANDMEMBER with a positive count returns distinct members, negative may repeat', () => {
    const { c } = mk(2);
    c.callSync('SADD', 's', ...Array.from({ length: 10 }, (_, i) => String(i)));
    for (const n of [2, 4, 9]) {
      const r = c.callSync('SRANDMEMBER', 's', String(n)) as string[];
      expect(r).toHaveLength(n);
      expect(new Set(r).size).toBe(n);
    }
    const rep = c.callSync('SRANDMEMBER', 's', '-100') as string[];
    expect(rep).toHaveLength(100);
    expect(new Set(rep).size).toBeLessThan(100);
    expect(c.callSync('SCARD', 's')).toBe(10);
  });

  it('SPOP until empty removes the key, never returning a member twice', () => {
    const { c } = mk(4);
    c.callSync('SADD', 's', ...Array.from({ length: 50 }, (_, i) => `x${i}`));
    const got = new Set<string>();
    for (let i = 0; i < 50; i++) got.add(c.callSync('SPOP', 's') as string);
    expect(got.size).toBe(50);
    expect(c.callSync('EXISTS', 's')).toBe(0);
  });

  it('SSCAN over a hashtable returns each member once', () => {
    const { c } = mk();
    c.callSync('SADD', 's', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = c.callSync('SSCAN', 's', cursor, 'COUNT', '17') as [string, string[]];
      for (const m of items) { expect(seen.has(m)).toBe(false); seen.add(m); }
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(300);
  });

  it('SMOVE signals both keys; STORE forms signal the destination and drop its TTL', () => {
    const { sim, c } = mk();
    const other = sim.connect();
    const dirtyAfter = (key: string, write: () => void) => {
      c.callSync('WATCH', key);
      write();
      c.callSync('MULTI');
      c.callSync('PING');
      return c.callSync('EXEC') === null;
    };
    c.callSync('SADD', 'a', '1', '2');
    c.callSync('SADD', 'b', '9');
    expect(dirtyAfter('a', () => other.callSync('SMOVE', 'a', 'b', '1'))).toBe(true);
    expect(dirtyAfter('b', () => other.callSync('SMOVE', 'a', 'b', '2'))).toBe(true);
    expect(c.callSync('EXISTS', 'a')).toBe(0);
    c.callSync('SET', 'd', 'x', 'EX', '100');
    expect(dirtyAfter('d', () => other.callSync('SUNIONSTORE', 'd', 'b'))).toBe(true);
    expect(c.callSync('TTL', 'd')).toBe(-1);
    expect(c.callSync('TYPE', 'd')).toBe('set');
    expect(dirtyAfter('d', () => other.callSync('SINTERSTORE', 'd', 'b', 'nokey'))).toBe(true);
    expect(c.callSync('EXISTS', 'd')).toBe(0);
    expect(dirtyAfter('d', () => other.callSync('SDIFFSTORE', 'd', 'b', 'b'))).toBe(false);
  });
});
