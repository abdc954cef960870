import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { globMatch } from '../../../src/util/glob.js';
import { scanContainer, parseScanCursor } from '../../../src/commands/scan-cursor.js';
import { listFrom } from '../../../src/types/list.js';
import type { RValue } from '../../../src/keyspace/values.js';
import { IndexedMap } from '../../../src/types/indexed.js';

describe('globMatch (stringmatchlen)', () => {
  const cases: Array<[string, string, boolean, boolean?]> = [
    ['*', 'anything', true], ['h?llo', 'hello', true], ['h?llo', 'hllo', false], ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true], ['h[ae]llo', 'hillo', false], ['h[^e]llo', 'hallo', true], ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true], ['h[b-a]llo', 'hallo', true], ['h\\*llo', 'h*llo', true], ['h\\*llo', 'hello', false],
    ['[\\]]', ']', true], ['a[', 'a', false], ['[a', 'a', true], ['HELLO', 'hello', false], ['HELLO', 'hello', true, true],
    ['h[A-Z]llo', 'hello', true, true], ['*a*b*c', 'xxaxxbxxc', true], ['*a*b*c', 'xxaxxbxx', false], ['', '', true],
    ['a*', 'a', true], ['a**', 'a', true], ['\\', '\\', true], ['foo\\', 'foo', false],
    ['[\x80-\xff]', '\x90', true], ['[a-\xff]', 'b', false],
  ];
  for (const [p, s, want, nocase] of cases) {
    it(`${JSON.stringify(p)} ~ ${JSON.stringify(s)}${nocase ? ' nocase' : ''}`, () => {
      expect(globMatch(p, s, nocase ?? false)).toBe(want);
    });
  }
});

describe('scan cursor', () => {
  it('parses cursors like strtoul', () => {
    expect(parseScanCursor('')).toBe(0n);
    expect(parseScanCursor('-1')).toBe(18446744073709551615n);
    expect((parseScanCursor(' 1') as { t: string }).t).toBe('error');
    expect((parseScanCursor('-') as { t: string }).t).toBe('error');
  });
  it('returns every element present for the whole scan despite deletes and inserts', () => {
    const m = new IndexedMap<number>();
    for (let i = 0; i < 100; i++) m.set('k' + i, i);
    const seen = new Set<string>();
    let cursor = 0n;
    let round = 0;
    do {
      const page = scanContainer(m, cursor, 7);
      page.items.forEach((k) => seen.add(k));
      // churn: delete an already-seen element and a stable one is untouched; add new ones
      m.delete('k' + round);
      m.set('new' + round, 0);
      m.set('k' + round, 1); // re-added: not required to be returned
      cursor = BigInt(page.cursor);
      round++;
    } while (cursor !== 0n && round < 1000);
    expect(cursor).toBe(0n);
    for (let i = 20; i < 100; i++) expect(seen.has('k' + i)).toBe(true);
  });
  it('SCAN over a keyspace terminates and sees every key once', () => {
    const c = new RedSim({ clock: new VirtualClock(), seed: 1 }).connect();
    for (let i = 0; i < 55; i++) c.callSync('SET', 'key:' + i, 'v');
    const all: string[] = [];
    let cur = '0';
    do {
      const [next, keys] = c.callSync('SCAN', cur, 'COUNT', '10') as [string, string[]];
      all.push(...keys);
      cur = next;
    } while (cur !== '0');
    expect(all.length).toBe(55);
    expect(new Set(all).size).toBe(55);
  });
});

describe('WATCH and keyspace commands', () => {
  it('SWAPDB keeps Database objects and watched keys in place', () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 1 });
    const a = sim.connect();
    const b = sim.connect();
    const db0 = sim.dbs[0];
    b.callSync('SELECT', '1');
    b.callSync('SET', 'k', 'v');
    a.callSync('WATCH', 'k');
    b.callSync('SWAPDB', '0', '1');
    expect(sim.dbs[0]).toBe(db0);
    expect(a.callSync('GET', 'k')).toBe('v');
    a.callSync('MULTI');
    a.callSync('PING');
    expect(a.callSync('EXEC')).toBe(null);
  });
  it('an expired watched key fails EXEC', () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ clock, seed: 1 });
    const a = sim.connect();
    a.callSync('SET', 'k', 'v', 'PX', '100');
    a.callSync('WATCH', 'k');
    clock.advance(200);
    a.callSync('MULTI');
    a.callSync('PING');
    expect(a.callSync('EXEC')).toBe(null);
  });
  it('TTL follows the frozen command time and PEXPIRETIME keeps int64 digits', () => {
    const clock = new VirtualClock();
    const c = new RedSim({ clock, seed: 1 }).connect();
    c.callSync('SET', 'k', 'v', 'PXAT', '9223372036854775807');
    expect(c.callSync('PEXPIRETIME', 'k')).toBe(9223372036854775807n);
    c.callSync('SET', 'j', 'v', 'EX', '10');
    clock.advance(4400);
    expect(c.callSync('TTL', 'j')).toBe(6);
    expect(c.callSync('PTTL', 'j')).toBe(5600);
  });
  it('RESTORE round-trips lists, sets and hashes built directly', () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 1 });
    const c = sim.connect();
    const db = sim.dbs[0];
    db.add('l', listFrom(['a', '1', 'x'.repeat(100)]));
    c.callSync('SADD', 's', '3', '1', '-70000'); // intsets must be built through the set API (sorted)
    db.add('h', { type: 'hash', v: new IndexedMap([['f', 'v'], ['n', '12']]), enc: 'listpack', lru: 0 });
    for (const k of ['l', 's', 'h']) {
      const p = (c.send('DUMP', k) as { v: string }).v;
      c.send('RESTORE', k + '2', '0', Buffer.from(p, 'latin1'));
      // Lists compare by their elements, not by the deque's internal layout.
      const plain = (v: RValue | undefined) => v && { type: v.type, enc: 'enc' in v ? v.enc : undefined, v: v.type === 'list' ? v.v.toArray() : [...(v.v as Iterable<unknown>)] };
      expect(plain(db.data.get(k + '2'))).toEqual(plain(db.data.get(k)));
    }
  });
});
