import { describe, it, expect } from 'vitest';
import {
  align52, decodeScore, decodeWGS84, encodeWGS84, interleave64, neighbors, standardGeohash,
} from '../../../src/commands/geo/geohash.js';
import { estimateStepsByRadius, distance } from '../../../src/commands/geo/area.js';
import { pqsort } from '../../../src/commands/sort/pqsort.js';
import { humanText, printfF } from '../../../src/commands/geo/format.js';

/** Bit-by-bit reference interleave: bit i of x -> 2i, bit i of y -> 2i+1. */
function refInterleave(x: number, y: number): bigint {
  let r = 0n;
  for (let i = 0; i < 32; i++) {
    if ((x >>> i) & 1) r |= 1n << BigInt(2 * i);
    if ((y >>> i) & 1) r |= 1n << BigInt(2 * i + 1);
  }
  return r;
}

describe('geohash encoding', () => {
  it('interleaves latitude on even bits and longitude on odd bits', () => {
    for (const [x, y] of [[0, 0], [1, 0], [0, 1], [0xffffffff, 0], [0, 0xffffffff], [0x12345678, 0x9abcdef0], [1 << 26, 1 << 26]]) {
      expect(interleave64(x >>> 0, y >>> 0)).toBe(refInterleave(x >>> 0, y >>> 0));
    }
  });

  it('gives the scores Redis stores for known places', () => {
    // Values read from a real Redis 7.0.15 (GEOADD then ZSCORE).
    expect(align52(encodeWGS84(13.361389, 38.115556, 26)!)).toBe(3479099956230698n);
    expect(align52(encodeWGS84(15.087269, 37.502669, 26)!)).toBe(3479447370796909n);
  });

  it('reaches past 52 bits at the top edge (offset == 2^step), as Redis does', () => {
    const h = encodeWGS84(180, 85.05112878, 26)!;
    expect(h.bits).toBe((1n << 53n) | (1n << 52n));
  });

  it('refuses coordinates outside the Web Mercator range', () => {
    expect(encodeWGS84(180.0000001, 0, 26)).toBeNull();
    expect(encodeWGS84(0, 85.06, 26)).toBeNull();
    expect(encodeWGS84(0, 0, 0)).toBeNull();
  });

  it('decodes a score to its cell centre', () => {
    const [lon, lat] = decodeScore(3479099956230698);
    expect(humanText(lon)).toBe('13.36138933897018433');
    expect(humanText(lat)).toBe('38.11555639549629859');
    // A cell contains the point it was encoded from.
    const a = decodeWGS84(encodeWGS84(13.361389, 38.115556, 26)!)!;
    expect(a.longitude.min <= 13.361389 && 13.361389 <= a.longitude.max).toBe(true);
    expect(a.latitude.min <= 38.115556 && 38.115556 <= a.latitude.max).toBe(true);
  });

  it('moves to neighbour cells with wrap-around', () => {
    const h = encodeWGS84(0, 0, 1)!; // the north-east quarter at step 1
    const n = neighbors(h);
    expect(n.east.bits).toBe(n.west.bits); // only two columns: both wrap to the other one
    expect(n.north.bits).toBe(n.south.bits);
  });

  it('prints the standard 11-character geohash', () => {
    expect(standardGeohash(3479099956230698)).toBe('sqc8b49rny0');
    expect(standardGeohash(3479447370796909)).toBe('sqdtr74hyu0');
  });
});

describe('geo helpers', () => {
  it('estimates steps from the radius and the latitude', () => {
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    expect(estimateStepsByRadius(1, 0)).toBe(24);
    expect(estimateStepsByRadius(1, 70)).toBe(23);
    expect(estimateStepsByRadius(1, -81)).toBe(22);
    expect(estimateStepsByRadius(5e7, 0)).toBe(1);
    expect(estimateStepsByRadius(Infinity, 0)).toBe(1);
  });

  it('computes haversine distances on Redis sphere', () => {
    expect(distance(13.361389, 38.115556, 13.361389, 38.115556)).toBe(0);
    expect(distance(0, 0, 0, 1)).toBeCloseTo(111226.29, 1);
  });

  it('formats %f and the human long double text', () => {
    expect(printfF(200)).toBe('200.000000');
    expect(printfF(-0)).toBe('-0.000000');
    expect(printfF(Infinity)).toBe('inf');
    expect(humanText(-1e-30)).toBe('0');
    expect(humanText(180)).toBe('180');
    expect(humanText(0.5)).toBe('0.5');
  });
});

describe('pqsort (Redis partial quicksort)', () => {
  const rnd = (() => { let s = 12345; return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648; })();
  it('sorts at least the requested ranks, with the others partitioned around them', () => {
    for (const n of [0, 1, 2, 6, 7, 8, 40, 41, 100, 500]) {
      for (const k of [1, 3, 10, 50]) {
        if (k > n) continue;
        const a = Array.from({ length: n }, () => Math.floor(rnd() * 20));
        const sorted = [...a].sort((x, y) => x - y);
        const b = [...a];
        pqsort(b, (x, y) => (x > y ? 1 : x === y ? 0 : -1), 0, k - 1);
        expect(b.slice(0, k)).toEqual(sorted.slice(0, k));
        expect([...b].sort((x, y) => x - y)).toEqual(sorted);
      }
    }
  });
});
