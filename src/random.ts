/**
 * Injectable randomness: every random choice in the server (SPOP, SRANDMEMBER,
 * RANDOMKEY, HRANDFIELD, ZRANDMEMBER, run ids) comes from here so a seeded run repeats.
 */
export interface RandomSource {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** xoshiro128** seeded through splitmix32: small, fast and reproducible. */
export class SeededRandom implements RandomSource {
  private s = new Uint32Array(4);
  constructor(seed: number = Date.now()) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  private u32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  }
  next(): number { return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53; }
  int(n: number): number { return Math.floor(this.next() * n); }
}
function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }
