import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import type { ZSetValue } from '../../../src/keyspace/values.js';
import type { Reply } from '../../../src/reply.js';

const mk = (seed = 1) => {
  const clock = new VirtualClock(1_700_000_000_000);
  const sim = new RedSim({ clock, seed });
  return { sim, clock, c: sim.connect(), d: sim.connect() };
};
const zsetOf = (sim: RedSim, key: string) => sim.dbs[0].data.get(key) as ZSetValue;

/** Collect a reply that may settle later (blocking commands). */
function track(p: Reply | Promise<Reply>) {
  const box: { r?: Reply } = {};
  if (p instanceof Promise) void p.then((r) => { box.r = r; }); else box.r = p;
  return box;
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('sorted set commands (in-process)', () => {
  it('replies -0 for ZINCRBY but stores 0 in a listpack, -0 in a skiplist', () => {
    const { sim, c } = mk();
    expect(c.callSync('ZINCRBY', 'lp', '-0', 'm')).toBe('-0');
    expect(c.callSync('ZSCORE', 'lp', 'm')).toBe('0');
    expect(zsetOf(sim, 'lp').enc).toBe('listpack');
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    expect(c.callSync('ZINCRBY', 'sl', '-0', 'm')).toBe('-0');
    expect(c.callSync('ZSCORE', 'sl', 'm')).toBe('-0');
    expect(zsetOf(sim, 'sl').enc).toBe('skiplist');
  });

  it('converts at zset-max-listpack-entries + 1 and never converts back on removal', () => {
    const { sim, c } = mk();
    const args: string[] = [];
    for (let i = 0; i < 128; i++) args.push(String(i), 'm' + i);
    expect(c.callSync('ZADD', 'z', ...args)).toBe(128);
    expect(zsetOf(sim, 'z').enc).toBe('listpack');
    c.callSync('ZADD', 'z', '1000', 'extra');
    expect(zsetOf(sim, 'z').enc).toBe('skiplist');
    c.callSync('ZREMRANGEBYRANK', 'z', '0', '-3');
    expect(c.callSync('ZCARD', 'z')).toBe(2);
    expect(zsetOf(sim, 'z').enc).toBe('skiplist');
    // A STORE of the small result picks listpack again.
    c.callSync('ZUNIONSTORE', 'u', '1', 'z');
    expect(zsetOf(sim, 'u').enc).toBe('listpack');
  });

  it('ZSCAN over a skiplist visits every member exactly once with a cursor', () => {
    const { c } = mk();
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '4');
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(String(i / 4), 'k' + i);
    c.callSync('ZADD', 'z', ...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, items] = c.callSync('ZSCAN', 'z', cursor, 'COUNT', '7') as [string, string[]];
      expect(items.length % 2).toBe(0);
      for (let i = 0; i < items.length; i += 2) {
        expect(seen.has(items[i])).toBe(false);
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      rounds++;
    } while (cursor !== '0');
    expect(rounds).toBeGreaterThan(10);
    expect(seen.size).toBe(300);
    expect(seen.get('k2')).toBe('0.5');
    expect(seen.get('k299')).toBe('74.75');
  });

  it('ZSCAN keeps members that exist for the whole scan while others are removed', () => {
    const { c } = mk();
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '1');
    const args: string[] = [];
    for (let i = 0; i < 100; i++) args.push(String(i), 'k' + i);
    c.callSync('ZADD', 'z', ...args);
    const seen = new Set<string>();
    let cursor = '0';
    let step = 0;
    do {
      const [next, items] = c.callSync('ZSCAN', 'z', cursor, 'COUNT', '10', 'MATCH', 'k*') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      c.callSync('ZREM', 'z', 'k' + (99 - step));
      step++;
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < 50; i++) expect(seen.has('k' + i)).toBe(true);
  });

  it('ZRANDMEMBER: positive counts are distinct, negative counts may repeat, seeded runs repeat', () => {
    const run = (seed: number) => {
      const { c } = mk(seed);
      c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
      const args: string[] = [];
      for (let i = 0; i < 40; i++) args.push(String(i), 'm' + i);
      c.callSync('ZADD', 'z', ...args);
      const uniq = c.callSync('ZRANDMEMBER', 'z', '30') as string[];
      const few = c.callSync('ZRANDMEMBER', 'z', '5', 'WITHSCORES') as string[];
      const rep = c.callSync('ZRANDMEMBER', 'z', '-200') as string[];
      return { uniq, few, rep };
    };
    const a = run(5);
    expect(a.uniq.length).toBe(30);
    expect(new Set(a.uniq).size).toBe(30);
    expect(a.few.length).toBe(10);
    for (let i = 0; i < a.few.length; i += 2) expect(a.few[i + 1]).toBe(a.few[i].slice(1));
    expect(a.rep.length).toBe(200);
    expect(new Set(a.rep).size).toBeLessThan(40 + 1);
    expect(new Set(a.rep).size).toBeGreaterThan(20);
    expect(run(5)).toEqual(a);
  });

  it('BZPOPMIN serves the first waiter when another client adds, and returns a null array in MULTI', async () => {
    const { c, d } = mk();
    const waiting = track(d.send('BZPOPMIN', 'q', '0'));
    await flush();
    expect(waiting.r).toBeUndefined();
    c.callSync('ZADD', 'q', '2', 'b', '1', 'a');
    await flush();
    expect(waiting.r).toEqual({ t: 'array', v: [{ t: 'bulk', v: 'q' }, { t: 'bulk', v: 'a' }, { t: 'double', v: 1 }] });
    expect(c.callSync('ZRANGE', 'q', '0', '-1')).toEqual(['b']);
    c.callSync('MULTI');
    c.callSync('BZPOPMIN', 'none', '0');
    c.callSync('BZMPOP', '0', '1', 'none', 'MIN');
    expect(c.callSync('EXEC')).toEqual([null, null]);
  });

  it('BZMPOP times out on the virtual clock with a null array', async () => {
    const { clock, d } = mk();
    const waiting = track(d.send('BZMPOP', '0.5', '1', 'none', 'MAX', 'COUNT', '2'));
    await flush();
    clock.advance(400);
    await flush();
    expect(waiting.r).toBeUndefined();
    clock.advance(200);
    await flush();
    expect(waiting.r).toEqual({ t: 'nilarray' });
  });

  it('WATCH sees ZADD changes but not no-op ZADDs', () => {
    const { c, d } = mk();
    c.callSync('ZADD', 'w', '1', 'a');
    c.callSync('WATCH', 'w');
    d.callSync('ZADD', 'w', '1', 'a');
    d.callSync('ZADD', 'w', 'NX', '5', 'a');
    c.callSync('MULTI');
    c.callSync('PING');
    expect(c.callSync('EXEC')).toEqual(['PONG']);
    c.callSync('WATCH', 'w');
    d.callSync('ZADD', 'w', 'CH', '2', 'a');
    c.callSync('MULTI');
    c.callSync('PING');
    expect(c.callSync('EXEC')).toBeNull();
  });

  it('COPY duplicates a zset deeply with its encoding', () => {
    const { sim, c } = mk();
    c.callSync('ZADD', 'src', '1', 'a', '2', 'b');
    c.callSync('COPY', 'src', 'dst');
    c.callSync('ZADD', 'dst', '3', 'c');
    expect(c.callSync('ZCARD', 'src')).toBe(2);
    expect(c.callSync('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'c', '3']);
    expect(zsetOf(sim, 'dst').enc).toBe('listpack');
  });

  it('handles a 100k-member zset through the command path', () => {
    const { sim, c } = mk();
    const N = 100_000;
    for (let base = 0; base < N; base += 10_000) {
      const args: string[] = [];
      for (let i = base; i < base + 10_000; i++) args.push(String((i * 7919) % N), 'member:' + i);
      c.callSync('ZADD', 'big', ...args);
    }
    expect(c.callSync('ZCARD', 'big')).toBe(N);
    expect(zsetOf(sim, 'big').enc).toBe('skiplist');
    // Scores are a permutation of 0..N-1: member i has score (i * 7919) % N.
    const memberWithScore: string[] = [];
    for (let i = 0; i < N; i++) memberWithScore[(i * 7919) % N] = 'member:' + i;
    expect(c.callSync('ZRANGE', 'big', '0', '2', 'WITHSCORES'))
      .toEqual([memberWithScore[0], '0', memberWithScore[1], '1', memberWithScore[2], '2']);
    expect(c.callSync('ZRANK', 'big', 'member:1')).toBe(7919);
    expect(c.callSync('ZREVRANK', 'big', 'member:1')).toBe(N - 1 - 7919);
    expect(c.callSync('ZCOUNT', 'big', '1000', '(2000')).toBe(1000);
    expect(c.callSync('ZRANGEBYSCORE', 'big', '50000', '+inf', 'LIMIT', '10', '2'))
      .toEqual([memberWithScore[50010], memberWithScore[50011]]);
    expect(c.callSync('ZREMRANGEBYSCORE', 'big', '-inf', '(50000')).toBe(50_000);
    expect(c.callSync('ZPOPMIN', 'big')).toEqual([memberWithScore[50000], '50000']);
    expect(c.callSync('ZCARD', 'big')).toBe(N / 2 - 1);
  });
});
