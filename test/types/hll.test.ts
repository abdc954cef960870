import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HLL_ERR_CORRUPT,
  HLL_ERR_NOT_HLL,
  HLL_NOT_STRING,
  type HllSource,
  hllAdd,
  hllCount,
  hllMerge,
  hllPatLen,
  isValidHll,
  murmurHash64A,
} from '../../src/types/hll.js';
import { E } from '../../src/reply.js';
import { expandArgs, keysOf } from '../fixtures/hll/elements.mjs';

type Snap = null | { type: string } | { len: number; sha256: string; b64?: string };
type FixReply = { int: string } | { status: string } | { error: string };
type Step = { cmd: [string, ...unknown[]]; reply: FixReply; keys: Record<string, Snap> };
type Fixture = { redis: string; scenarios: Array<{ name: string; steps: Step[] }> };

const fixture = JSON.parse(readFileSync(new URL('../fixtures/hll/oracle.json', import.meta.url), 'utf8')) as Fixture;

type Val = { kind: 'string'; v: string } | { kind: 'list' };

/** Just enough of a keyspace to replay the oracle's PF* sessions through the hll module. */
class MiniDb {
  data = new Map<string, Val>();
  sparseMax = 3000;

  private source(k: string): HllSource {
    const v = this.data.get(k);
    if (!v) return null;
    return v.kind === 'string' ? v.v : HLL_NOT_STRING;
  }

  run(cmd: string, args: string[]): FixReply {
    switch (cmd) {
      case 'SET':
        this.data.set(args[0], { kind: 'string', v: args[1] });
        return { status: 'OK' };
      case 'LPUSH':
        this.data.set(args[0], { kind: 'list' });
        return { int: '1' };
      case 'CONFIG':
        this.sparseMax = Number(args[2]);
        return { status: 'OK' };
      case 'PFADD': {
        const cur = this.source(args[0]);
        if (cur === HLL_NOT_STRING) return { error: E.WRONGTYPE };
        const res = hllAdd(cur, args.slice(1), this.sparseMax);
        if ('error' in res) {
          if (res.bytes !== undefined) this.data.set(args[0], { kind: 'string', v: res.bytes });
          return { error: res.error };
        }
        if (res.changed) this.data.set(args[0], { kind: 'string', v: res.bytes });
        return { int: res.changed ? '1' : '0' };
      }
      case 'PFCOUNT': {
        const res = hllCount(args.map((k) => this.source(k)));
        if ('error' in res) return { error: res.error };
        if (res.bytes !== undefined) this.data.set(args[0], { kind: 'string', v: res.bytes });
        return { int: String(res.count) };
      }
      case 'PFMERGE': {
        const res = hllMerge(this.source(args[0]), args.slice(1).map((k) => this.source(k)), this.sparseMax);
        if ('error' in res) return { error: res.error };
        this.data.set(args[0], { kind: 'string', v: res.bytes });
        return { status: 'OK' };
      }
      default:
        throw new Error(`unsupported ${cmd}`);
    }
  }

  snap(k: string): Snap {
    const v = this.data.get(k);
    if (!v) return null;
    if (v.kind === 'list') return { type: 'list' };
    return { len: v.v.length, sha256: createHash('sha256').update(Buffer.from(v.v, 'latin1')).digest('hex') };
  }
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

describe('HLL against oracle sessions (Redis ' + fixture.redis + ')', () => {
  const db = new MiniDb();
  for (const sc of fixture.scenarios) {
    it(sc.name, () => {
      sc.steps.forEach((st, n) => {
        const [cmd, ...specs] = st.cmd;
        const args = expandArgs(specs) as string[];
        const where = `${sc.name} step ${n}: ${JSON.stringify(st.cmd).slice(0, 80)}`;
        expect(db.run(cmd, args), where).toEqual(st.reply);
        for (const k of new Set(keysOf(cmd, args) as string[])) {
          const want = st.keys[k];
          const got = db.snap(k);
          if (want && 'b64' in want && want.b64 !== undefined) {
            const v = db.data.get(k);
            expect(v && v.kind === 'string' ? b64(v.v) : v, `${where} key ${k}`).toBe(want.b64);
          }
          if (want && 'sha256' in want) expect(got, `${where} key ${k}`).toEqual({ len: want.len, sha256: want.sha256 });
          else expect(got, `${where} key ${k}`).toEqual(want);
        }
      });
    });
  }
});

describe('MurmurHash64A', () => {
  // Reference values from a C build of the same hash (seed 0xadc83b19).
  const known: Array<[string, string]> = [
    ['', 'd8dfea6585bc9732'],
    ['a', '53d2470a9b43b1a7'],
    ['hello', '0f656f01eecfe400'],
    ['hello world', 'a919bc3051f624b7'],
    ['12345678', '95ebb86389132953'],
    ['123456789abcdef0x', '8c32084b49d46f06'],
    ['\\xff\\xfe', '24a3e7b287e53127'],
  ];
  it('matches reference values', () => {
    for (const [s, hex] of known) expect(murmurHash64A(s).toString(16).padStart(16, '0'), s).toBe(hex);
  });

  it('fast register/run-length path agrees with the BigInt hash', () => {
    const els = expandArgs([{ rand: 7, n: 3000, maxLen: 33 }]) as string[];
    els.push(Buffer.from('ugmdugAAAAA=', 'base64').toString('latin1')); // run length 33
    for (const e of els) {
      const h = murmurHash64A(e);
      let rest = (h >> 14n) | (1n << 50n);
      let count = 1;
      while ((rest & 1n) === 0n) {
        count++;
        rest >>= 1n;
      }
      expect(hllPatLen(e), JSON.stringify(e)).toEqual([Number(h & 16383n), count]);
    }
    expect(hllPatLen(els[els.length - 1])[1]).toBe(33);
  });
});

describe('header checks and edge cases', () => {
  const fresh = 'HYLL\x01' + '\0'.repeat(10) + '\x80\x7f\xff';

  it('PFADD on a missing key creates an empty sparse HLL with a stale cache', () => {
    expect(hllAdd(null, [])).toEqual({ bytes: fresh, changed: true });
    expect(hllAdd(fresh, [])).toEqual({ bytes: fresh, changed: false });
  });

  it('isValidHll checks magic, encoding and dense length', () => {
    expect(isValidHll(fresh)).toBe(true);
    expect(isValidHll('HYLL\x01' + '\0'.repeat(11))).toBe(true); // an empty body still passes the header check
    expect(isValidHll('HYLL\x01' + '\0'.repeat(10))).toBe(false);
    expect(isValidHll('HYLL\x02' + '\0'.repeat(11))).toBe(false);
    expect(isValidHll('HYLl\x01' + '\0'.repeat(11))).toBe(false);
    expect(isValidHll('HYLL\x00' + '\0'.repeat(11))).toBe(false);
    expect(isValidHll('HYLL\x00' + '\0'.repeat(12288 + 11))).toBe(true);
    expect(isValidHll('HYLL\x00' + '\0'.repeat(12288 + 12))).toBe(false);
  });

  it('errors', () => {
    expect(hllAdd('hello', ['x'])).toEqual({ error: HLL_ERR_NOT_HLL });
    expect(hllCount(['hello'])).toEqual({ error: HLL_ERR_NOT_HLL });
    expect(hllCount([HLL_NOT_STRING])).toEqual({ error: E.WRONGTYPE });
    expect(hllCount([null, HLL_NOT_STRING])).toEqual({ error: E.WRONGTYPE });
    expect(hllMerge(HLL_NOT_STRING, [])).toEqual({ error: E.WRONGTYPE });
    expect(hllAdd('HYLL\x01' + '\0'.repeat(11), ['x'])).toEqual({ error: HLL_ERR_CORRUPT });
  });

  it('single missing key counts 0; forged huge caches come back as bigint', () => {
    expect(hllCount([null])).toEqual({ count: 0 });
    const forged = 'HYLL\x01\0\0\0' + '\xff'.repeat(7) + '\x7f' + '\x7f\xff';
    expect(hllCount([forged])).toEqual({ count: 9223372036854775807n });
  });

  it('sparse and dense representations of the same set agree', () => {
    const els = expandArgs([{ seq: 'agree:', from: 0, to: 1500 }]) as string[];
    for (let n = 1; n <= els.length; n = n * 3 + 1) {
      const sparse = hllAdd(null, els.slice(0, n), 1 << 20);
      const dense = hllAdd(null, els.slice(0, n), 0);
      if ('error' in sparse || 'error' in dense) throw new Error('unexpected error');
      expect(sparse.bytes.charCodeAt(4), `n=${n}`).toBe(1);
      expect(dense.bytes.charCodeAt(4), `n=${n}`).toBe(0);
      const cs = hllCount([sparse.bytes]);
      const cd = hllCount([dense.bytes]);
      expect((cs as { count: number }).count, `n=${n}`).toBe((cd as { count: number }).count);
      // The union with an empty HLL counts the same set.
      expect(hllCount([sparse.bytes, null]), `n=${n}`).toEqual({ count: (cd as { count: number }).count });
      const merged = hllMerge(null, [sparse.bytes], 1 << 20);
      if ('error' in merged) throw new Error(merged.error);
      expect((hllCount([merged.bytes]) as { count: number }).count, `n=${n}`).toBe((cd as { count: number }).count);
    }
  });
});
