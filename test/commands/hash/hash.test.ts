import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import type { HashValue } from '../../../src/keyspace/values.js';

const mk = (seed = 1) => {
  const sim = new RedSim({ clock: new VirtualClock(), seed });
  return { sim, c: sim.connect() };
};
const hashOf = (sim: RedSim, key: string) => sim.dbs[0].data.get(key) as HashValue;

describe('hash encodings', () => {
  it('keeps listpack order: appends new fields, updates in place, HDEL removes', () => {
    const { c } = mk();
    c.callSync('HSET', 'h', 'c', '1', 'a', '2', 'b', '3');
    c.callSync('HSET', 'h', 'a', '20');
    c.callSync('HDEL', 'h', 'c');
    c.callSync('HSET', 'h', 'c', '10');
    expect(c.callSync('HGETALL', 'h')).toEqual(['a', '20', 'b', '3', 'c', '10']);
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('listpack');
  });

  it('converts on entries and on value length, exactly at the thresholds, and never back', () => {
    const { c } = mk();
    c.callSync('CONFIG', 'SET', 'hash-max-listpack-entries', '4');
    c.callSync('CONFIG', 'SET', 'hash-max-listpack-value', '8');
    c.callSync('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '12345678');
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    c.callSync('HSET', 'h', 'e', '5');
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    c.callSync('HDEL', 'h', 'a', 'b', 'c', 'd');
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    c.callSync('HSET', 'v', 'f', '123456789');
    expect(c.callSync('OBJECT', 'ENCODING', 'v')).toBe('hashtable');
    // HINCRBY's result is checked by the set itself.
    c.callSync('HSET', 'n', 'f', '1234567');
    c.callSync('HINCRBY', 'n', 'f', '100000000');
    expect(c.callSync('OBJECT', 'ENCODING', 'n')).toBe('hashtable');
  });

  it('HSET checks every argument before writing (a long value for an existing field converts)', () => {
    const { sim, c } = mk();
    c.callSync('HSET', 'h', 'a', '1');
    c.callSync('HSET', 'h', 'a', 'x'.repeat(65), 'b', '2');
    expect(hashOf(sim, 'h').enc).toBe('hashtable');
  });
});

describe('hash writes and WATCH', () => {
  it('dirties a watcher only when something changed', () => {
    const { sim, c } = mk();
    const other = sim.connect();
    c.callSync('HSET', 'h', 'a', '1');
    const watchedExec = (write: () => void) => {
      c.callSync('WATCH', 'h');
      write();
      c.callSync('MULTI');
      c.callSync('PING');
      return c.callSync('EXEC');
    };
    expect(watchedExec(() => other.callSync('HSETNX', 'h', 'a', '2'))).toEqual(['PONG']);
    expect(watchedExec(() => other.callSync('HDEL', 'h', 'zz'))).toEqual(['PONG']);
    expect(watchedExec(() => expect(() => other.callSync('HINCRBY', 'h', 'a', 'x')).toThrow())).toEqual(['PONG']);
    expect(watchedExec(() => other.callSync('HSET', 'h', 'a', '1'))).toBeNull();
    expect(watchedExec(() => other.callSync('HINCRBYFLOAT', 'h', 'a', '1'))).toBeNull();
    expect(watchedExec(() => other.callSync('HDEL', 'h', 'a'))).toBeNull();
    expect(c.callSync('EXISTS', 'h')).toBe(0);
  });

  it('keeps the TTL on in-place writes', () => {
    const { c } = mk();
    c.callSync('HSET', 'h', 'a', '1');
    c.callSync('EXPIRE', 'h', '100');
    c.callSync('HSET', 'h', 'b', '2');
    c.callSync('HINCRBY', 'h', 'a', '1');
    c.callSync('HDEL', 'h', 'b');
    expect(c.callSync('TTL', 'h')).toBe(100);
  });
});

describe('HRANDFIELD', () => {
  it('draws from the seeded source: the same seed repeats, distinct results are distinct', () => {
    const a = mk(7).c;
    const b = mk(7).c;
    for (const x of [a, b]) {
      x.callSync('HSET', 'h', ...Array.from({ length: 20 }, (_, i) => [`f${i}`, `v${i}`]).flat());
    }
    const ra = a.callSync('HRANDFIELD', 'h', '-50');
    expect(ra).toEqual(b.callSync('HRANDFIELD', 'h', '-50'));
    const uniq = a.callSync('HRANDFIELD', 'h', '15', 'WITHVALUES') as string[];
    expect(uniq).toHaveLength(30);
    const fields = uniq.filter((_, i) => i % 2 === 0);
    expect(new Set(fields).size).toBe(15);
    for (let i = 0; i < uniq.length; i += 2) expect(uniq[i + 1]).toBe(uniq[i].replace('f', 'v'));
  });

  it('RESP3 nests pairs, RESP2 flattens them', () => {
    const { c } = mk();
    c.callSync('HSET', 'h', 'a', '1');
    expect(c.send('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toEqual({
      t: 'array', v: [{ t: 'bulk', v: 'a' }, { t: 'bulk', v: '1' }, { t: 'bulk', v: 'a' }, { t: 'bulk', v: '1' }],
    });
    c.callSync('HELLO', '3');
    const pair = { t: 'array', v: [{ t: 'bulk', v: 'a' }, { t: 'bulk', v: '1' }] };
    expect(c.send('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toEqual({ t: 'array', v: [pair, pair] });
  });

  it('covers every field over many draws (uniform enough)', () => {
    const { c } = mk(3);
    c.callSync('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    const counts = new Map<string, number>();
    for (const f of c.callSync('HRANDFIELD', 'h', '-4000') as string[]) counts.set(f, (counts.get(f) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });
});

describe('HSCAN on a hashtable', () => {
  it('returns each field exactly once across pages, with values', () => {
    const { c } = mk();
    c.callSync('CONFIG', 'SET', 'hash-max-listpack-entries', '8');
    const n = 100;
    c.callSync('HSET', 'h', ...Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]).flat());
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    const seen = new Map<string, string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, items] = c.callSync('HSCAN', 'h', cursor, 'COUNT', '7') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        expect(seen.has(items[i])).toBe(false);
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      pages++;
    } while (cursor !== '0');
    expect(seen.size).toBe(n);
    expect(pages).toBeGreaterThan(1);
    expect(seen.get('f42')).toBe('v42');
  });
});
