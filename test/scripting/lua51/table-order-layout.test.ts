import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Table51, numberKey51, type Key51 } from '../../../src/scripting/lua51/table-order-layout.js';
import { ceilLog2, fb2int, int2fb, luaStringHash51 } from '../../../src/scripting/lua51/table-order-hash.js';

const require = createRequire(import.meta.url);
require('fengari'); // entry point first: fengari's modules are circular
const lobject = require('fengari/src/lobject.js');

const strKey = (s: string): Key51 => ({
  id: 's' + s,
  hv: luaStringHash51(Buffer.from(s, 'latin1')),
  pow2: true,
  ai: -1,
});

describe('5.1 sizing arithmetic', () => {
  it('int2fb matches the encoding fengari compiles into OP_NEWTABLE', () => {
    for (let x = 0; x < 70000; x++) {
      expect(int2fb(x)).toBe(lobject.luaO_int2fb(x));
      expect(fb2int(int2fb(x))).toBeGreaterThanOrEqual(x);
    }
  });

  it('ceilLog2', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 1024, 1025].map(ceilLog2)).toEqual([0, 1, 2, 2, 3, 3, 4, 10, 11]);
  });

  it('string hash seeds with the length and mixes every byte', () => {
    expect(luaStringHash51([])).toBe(0);
    // Differs in the first byte of a 100-byte string: stock 5.1 would skip it.
    const a = new Uint8Array(100).fill(97);
    const b = a.slice();
    b[0] = 98;
    expect(luaStringHash51(a)).not.toBe(luaStringHash51(b));
  });
});

describe('Table51 invariants under random operations', () => {
  // Small deterministic PRNG (mulberry32) so failures reproduce.
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, () => {
      const rand = rng(seed);
      const t = new Table51(Math.floor(rand() * 4), Math.floor(rand() * 4));
      const model = new Map<unknown, Key51>();
      for (let step = 0; step < 3000; step++) {
        const r = rand();
        const k = r < 0.5 ? numberKey51(Math.floor(rand() * 80) - 5) : strKey('k' + Math.floor(rand() * 120));
        const nonNil = rand() < 0.75;
        t.set(k, nonNil);
        if (nonNil) model.set(k.id, k);
        else model.delete(k.id);

        if (step % 97 === 0) {
          expect(t.count).toBe(model.size);
          for (const key of model.values()) expect(t.has(key)).toBe(true);
          // Traversal visits exactly the live keys, each once.
          const seen = new Set<unknown>();
          for (let s = t.nextLive(-1); s >= 0; s = t.nextLive(s)) {
            const id = t.slotKeyId(s);
            expect(seen.has(id)).toBe(false);
            seen.add(id);
          }
          expect(seen.size).toBe(model.size);
          // `#` answers a border.
          const b = t.border();
          if (b > 0) expect(model.has(b)).toBe(true);
          expect(model.has(b + 1)).toBe(false);
        }
      }
    });
  }
});
