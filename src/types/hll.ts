/**
 * HyperLogLog, byte-compatible with Redis 7.0 (src/hyperloglog.c): same header,
 * same sparse opcodes (ZERO / XZERO / VAL) with the same in-place edit and merge
 * rules, same 6-bit dense packing, MurmurHash64A (seed 0xadc83b19), and the
 * Ertl estimator (tau/sigma). Values are byte strings at the boundary; internally
 * everything works on Uint8Array.
 *
 * Layout: "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | 8-byte little-endian
 * cached cardinality whose top bit marks the cache as stale | registers.
 */
import { E } from '../reply.js';
import { fromUint8 } from '../util/bytes.js';

export const HLL_ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
export const HLL_ERR_CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';
/** Default of the `hll-sparse-max-bytes` config. */
export const HLL_SPARSE_MAX_BYTES = 3000;

/** Marks a key that exists but holds a non-string type (PFCOUNT/PFMERGE check keys in order). */
export const HLL_NOT_STRING: unique symbol = Symbol('hll-not-string');
/** A key's value as seen by PFCOUNT/PFMERGE: its string bytes, null when missing, or HLL_NOT_STRING. */
export type HllSource = string | null | typeof HLL_NOT_STRING;

const P = 14;
const Q = 64 - P;
const REGISTERS = 1 << P;
const P_MASK = REGISTERS - 1;
const HDR = 16;
const DENSE_BYTES = (REGISTERS * 6 + 7) >> 3;
const DENSE_SIZE = HDR + DENSE_BYTES;
const DENSE = 0;
const SPARSE = 1;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.72134752044448170368; // 0.5 / ln(2)

// ---------------------------------------------------------------- hashing

/** MurmurHash64A constant m, split in 32-bit halves. */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

// Result registers of mulM (avoids allocating per multiplication).
let rHi = 0;
let rLo = 0;

/** (hi:lo) * m mod 2^64, via 16-bit partial products so every step is exact. */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rHi = (carry + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) >>> 0;
}

/** Register index and run length ("000..1" pattern length) of an element. */
let patIndex = 0;
function patLen(s: string): number {
  const len = s.length;
  mulM(0, len);
  let hHi = rHi;
  let hLo = (rLo ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    let kLo =
      (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi =
      (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(kHi, kLo);
    kHi = rHi;
    kLo = (rLo ^ (rHi >>> 15)) >>> 0; // k ^= k >> 47
    mulM(kHi, kLo);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    // Tail bytes are xored at byte offsets 0..6 of h, then one multiply.
    for (let j = rest - 1; j >= 0; j--) {
      const b = s.charCodeAt(i + j);
      if (j >= 4) hHi = (hHi ^ (b << (8 * (j - 4)))) >>> 0;
      else hLo = (hLo ^ (b << (8 * j))) >>> 0;
    }
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;

  patIndex = hLo & P_MASK;
  // Count = 1 + trailing zeros of (hash >> P), with bit Q forced on.
  const low = hLo >>> P; // hash bits P..31
  if (low !== 0) return 32 - Math.clz32(low & -low);
  if (hHi !== 0) return 32 - P + 32 - Math.clz32(hHi & -hHi);
  return Q + 1;
}

/** MurmurHash64A (Redis seed) in plain BigInt arithmetic: a slow, independent cross-check of patLen. */
export function murmurHash64A(s: string): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = s.length;
  let h = (BigInt(SEED) ^ ((BigInt(len) * m) & mask)) & mask;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = len & 7;
  if (rest) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(s.charCodeAt(blocks + j)) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

/** Exposed for tests: [register index, run length] for an element. */
export function hllPatLen(s: string): [number, number] {
  const c = patLen(s);
  return [patIndex, c];
}

// ---------------------------------------------------------------- dense registers

/** Register `i` of a dense array starting at `off` (one spare byte must follow the data). */
function denseGet(r: Uint8Array, off: number, i: number): number {
  const bit = i * 6;
  const b = off + (bit >> 3);
  const fb = bit & 7;
  return ((r[b] >> fb) | (r[b + 1] << (8 - fb))) & 63;
}

function denseSet(r: Uint8Array, off: number, i: number, v: number): void {
  const bit = i * 6;
  const b = off + (bit >> 3);
  const fb = bit & 7;
  r[b] = (r[b] & ~(63 << fb)) | (v << fb);
  r[b + 1] = (r[b + 1] & ~(63 >> (8 - fb))) | (v >> (8 - fb));
}

// ---------------------------------------------------------------- HLL object

/**
 * A mutable HLL value: `buf[0..len)` are the bytes; capacity beyond `len` is slack
 * (dense always keeps one zero byte past the end, as the sds terminator does in C).
 */
class Hll {
  constructor(
    public buf: Uint8Array,
    public len: number,
  ) {}

  static from(bytes: string): Hll {
    const buf = new Uint8Array(bytes.length + 16);
    for (let i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
    return new Hll(buf, bytes.length);
  }

  /** A fresh sparse HLL: zeroed header (cache 0, valid) plus XZERO opcodes covering all registers. */
  static create(): Hll {
    const buf = new Uint8Array(64);
    buf.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]);
    let p = HDR;
    for (let left = REGISTERS; left > 0; left -= XZERO_MAX_LEN) {
      const run = Math.min(left, XZERO_MAX_LEN) - 1;
      buf[p++] = 0x40 | (run >> 8);
      buf[p++] = run & 0xff;
    }
    return new Hll(buf, p);
  }

  get encoding(): number {
    return this.buf[4];
  }

  toBytes(): string {
    return fromUint8(this.buf.subarray(0, this.len));
  }

  invalidateCache(): void {
    this.buf[15] |= 0x80;
  }

  ensureRoom(extra: number): void {
    if (this.len + extra + 1 <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra + 16));
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  /**
   * Sparse -> dense in place; false when the sparse data is corrupted.
   *
   * Validity rule (shared by the merge and histogram walks): the opcodes must
   * cover exactly all registers. Stock 7.0.15 source merely stops at a VAL that
   * overflows and so accepts e.g. XZERO:16384 + VAL; the oracle build carries the
   * CVE-2025-32023 fix and rejects any overflow, which is what we follow.
   */
  toDense(): boolean {
    if (this.encoding === DENSE) return true;
    const d = new Uint8Array(DENSE_SIZE + 1);
    d.set(this.buf.subarray(0, HDR)); // magic, unused bytes and cached cardinality carry over
    d[4] = DENSE;
    const r = this.buf;
    let idx = 0;
    for (let p = HDR; p < this.len; ) {
      const op = r[p];
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | r[p + 1]) + 1;
        p += 2;
      } else {
        let run = (op & 3) + 1;
        const v = ((op >> 2) & 0x1f) + 1;
        if (run + idx > REGISTERS) return false; // overflow is corruption (see toDense)
        while (run--) denseSet(d, HDR, idx++, v);
        p++;
      }
    }
    if (idx !== REGISTERS) return false;
    this.buf = d;
    this.len = DENSE_SIZE;
    return true;
  }

  /** Raise register `index` to `count`: 1 if changed, 0 if not, -1 if corrupted. */
  set(index: number, count: number, sparseMax: number): number {
    if (this.encoding === DENSE) return this.denseSetMax(index, count);
    return this.sparseSet(index, count, sparseMax);
  }

  private denseSetMax(index: number, count: number): number {
    if (count > denseGet(this.buf, HDR, index)) {
      denseSet(this.buf, HDR, index, count);
      return 1;
    }
    return 0;
  }

  private promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    return this.denseSetMax(index, count);
  }

  /** The sparse update of hyperloglog.c: find the opcode, split it, then merge neighbours. */
  private sparseSet(index: number, count: number, sparseMax: number): number {
    if (count > VAL_MAX_VALUE) return this.promote(index, count);
    this.ensureRoom(3);
    let r = this.buf;
    let end = this.len;
    let p = HDR;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = r[p];
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | r[p + 1]) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;

    const op = r[p];
    const isXzero = (op & 0xc0) === 0x40;
    const isZero = (op & 0xc0) === 0;
    const isVal = (op & 0x80) !== 0;
    let next = isXzero ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | r[p + 1]) + 1 : (op & 3) + 1;

    let done = false;
    if (isVal) {
      const old = ((op >> 2) & 0x1f) + 1;
      if (old >= count) return 0;
      if (runlen === 1) {
        r[p] = valOp(count, 1);
        done = true;
      }
    }
    if (!done && isZero && runlen === 1) {
      r[p] = valOp(count, 1);
      done = true;
    }
    if (!done) {
      // Split the opcode into up to three: left run, the new VAL, right run.
      const seq: number[] = [];
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) pushZeros(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) pushZeros(seq, last - index);
      } else {
        const cur = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(cur, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(cur, last - index));
      }
      const oldlen = isXzero ? 2 : 1;
      const delta = seq.length - oldlen;
      if (delta > 0 && this.len + delta > sparseMax) return this.promote(index, count);
      if (delta !== 0 && next >= 0) r.copyWithin(next + delta, next, end);
      this.len += delta;
      for (let k = 0; k < seq.length; k++) r[p + k] = seq[k];
      end += delta;
    }

    // Merge adjacent equal VAL opcodes, scanning at most 5 opcodes from prev.
    r = this.buf;
    p = prev >= 0 ? prev : HDR;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = r[p];
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && r[p + 1] & 0x80) {
        const v1 = ((o >> 2) & 0x1f) + 1;
        const v2 = ((r[p + 1] >> 2) & 0x1f) + 1;
        if (v1 === v2) {
          const l = (o & 3) + 1 + (r[p + 1] & 3) + 1;
          if (l <= VAL_MAX_LEN) {
            r[p + 1] = valOp(v1, l);
            r.copyWithin(p, p + 1, end);
            this.len--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  /** Register histogram; null when a sparse body does not cover exactly all registers. */
  histogram(): number[] | null {
    const h = new Array<number>(64).fill(0);
    const r = this.buf;
    if (this.encoding === DENSE) {
      for (let i = 0; i < REGISTERS; i++) h[denseGet(r, HDR, i)]++;
      return h;
    }
    let idx = 0;
    for (let p = HDR; p < this.len; ) {
      const op = r[p];
      if ((op & 0xc0) === 0) {
        const run = (op & 0x3f) + 1;
        idx += run;
        h[0] += run;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        const run = (((op & 0x3f) << 8) | r[p + 1]) + 1;
        idx += run;
        h[0] += run;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        idx += run;
        h[((op >> 2) & 0x1f) + 1] += run;
        p++;
      }
    }
    return idx === REGISTERS ? h : null;
  }

  /** max[i] = max(max[i], register i); false when a sparse body is corrupted. */
  mergeInto(max: Uint8Array): boolean {
    const r = this.buf;
    if (this.encoding === DENSE) {
      for (let i = 0; i < REGISTERS; i++) {
        const v = denseGet(r, HDR, i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    let i = 0;
    for (let p = HDR; p < this.len; ) {
      const op = r[p];
      if ((op & 0xc0) === 0) {
        i += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        i += (((op & 0x3f) << 8) | r[p + 1]) + 1;
        p += 2;
      } else {
        let run = (op & 3) + 1;
        const v = ((op >> 2) & 0x1f) + 1;
        if (run + i > REGISTERS) return false; // overflow is corruption (see toDense)
        while (run--) {
          if (v > max[i]) max[i] = v;
          i++;
        }
        p++;
      }
    }
    return i === REGISTERS;
  }
}

function valOp(v: number, len: number): number {
  return (((v - 1) << 2) | (len - 1) | 0x80) & 0xff;
}

function pushZeros(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) {
    seq.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
  } else {
    seq.push(len - 1);
  }
}

// ---------------------------------------------------------------- estimator

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let zp: number;
  do {
    x *= x;
    zp = z;
    z += x * y;
    y += y;
  } while (zp !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zp: number;
  do {
    x = Math.sqrt(x);
    zp = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // gcc folds pow(d, 2) into d*d
  } while (zp !== z);
  return z / 3;
}

/**
 * Cardinality from a register histogram (Ertl's improved estimator, as Redis 7.0),
 * as the uint64 Redis stores: llroundl of the double estimate, then the cast.
 * An estimate beyond int64 (infinite when every register is >= 51) comes out of
 * llroundl as INT64_MIN on x86-64, i.e. 2^63 once cast to uint64.
 */
function estimate(h: number[]): number | bigint {
  const m = REGISTERS;
  let z = m * tau((m - h[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += h[j];
    z *= 0.5;
  }
  z += m * sigma(h[0] / m);
  const e = roundHalfUp((ALPHA_INF * m * m) / z);
  if (e <= Number.MAX_SAFE_INTEGER) return e;
  return e < 2 ** 63 ? BigInt(e) : 1n << 63n;
}

/** llroundl's rounding (half away from zero) for non-negative doubles; exact, unlike floor(x + 0.5). */
function roundHalfUp(x: number): number {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

/** The uint64 card as the signed long long PFCOUNT replies with. */
function asReply(card: number | bigint): number | bigint {
  return typeof card === 'bigint' && card >= 1n << 63n ? card - (1n << 64n) : card;
}

// ---------------------------------------------------------------- public API

/** The header check PFADD/PFCOUNT/PFMERGE apply to an existing string value. */
export function isValidHll(bytes: string): boolean {
  if (bytes.length < HDR) return false;
  if (bytes.charCodeAt(0) !== 0x48 || bytes.charCodeAt(1) !== 0x59 || bytes.charCodeAt(2) !== 0x4c || bytes.charCodeAt(3) !== 0x4c)
    return false;
  const enc = bytes.charCodeAt(4);
  if (enc > SPARSE) return false;
  if (enc === DENSE && bytes.length !== DENSE_SIZE) return false;
  return true;
}

export type HllAddResult =
  | { bytes: string; changed: boolean }
  /** `bytes`, when present, is the partially updated value Redis keeps despite the error (store it silently). */
  | { error: string; bytes?: string };

/**
 * PFADD on a string value (null when the key is missing; the caller rejects
 * non-string types). `changed` is the reply (1/0); when false the key is untouched.
 */
export function hllAdd(bytes: string | null, elements: string[], sparseMaxBytes = HLL_SPARSE_MAX_BYTES): HllAddResult {
  let h: Hll;
  let updated = false;
  if (bytes === null) {
    h = Hll.create();
    updated = true;
  } else {
    if (!isValidHll(bytes)) return { error: HLL_ERR_NOT_HLL };
    h = Hll.from(bytes);
  }
  let touched = false; // any byte modified (a sparse edit invalidates the cache itself)
  for (const e of elements) {
    const count = patLen(e);
    const rv = h.set(patIndex, count, sparseMaxBytes);
    if (rv === 1) {
      updated = true;
      touched = true;
    } else if (rv === -1) {
      return touched ? { error: HLL_ERR_CORRUPT, bytes: h.toBytes() } : { error: HLL_ERR_CORRUPT };
    }
  }
  if (!updated) return { bytes: bytes as string, changed: false };
  h.invalidateCache();
  return { bytes: h.toBytes(), changed: true };
}

export type HllCountResult = { count: number | bigint; bytes?: string } | { error: string };

/**
 * PFCOUNT over the values of its keys, in argument order.
 * One key: uses the cached cardinality when valid; otherwise computes it and
 * returns the rewritten value in `bytes` (Redis stores it, signals the key as
 * modified and bumps dirty). Several keys: union count, keys untouched.
 * `count` is a bigint only for a forged cache above 2^53.
 */
export function hllCount(values: HllSource[]): HllCountResult {
  if (values.length > 1) {
    const max = new Uint8Array(REGISTERS);
    for (const v of values) {
      if (v === null) continue;
      if (v === HLL_NOT_STRING) return { error: E.WRONGTYPE };
      if (!isValidHll(v)) return { error: HLL_ERR_NOT_HLL };
      if (!Hll.from(v).mergeInto(max)) return { error: HLL_ERR_CORRUPT };
    }
    const hist = new Array<number>(64).fill(0);
    for (let i = 0; i < REGISTERS; i++) hist[max[i]]++;
    return { count: asReply(estimate(hist)) };
  }
  const v = values.length ? values[0] : null;
  if (v === null) return { count: 0 };
  if (v === HLL_NOT_STRING) return { error: E.WRONGTYPE };
  if (!isValidHll(v)) return { error: HLL_ERR_NOT_HLL };
  if ((v.charCodeAt(15) & 0x80) === 0) {
    let c = 0n;
    for (let i = 15; i >= 8; i--) c = (c << 8n) | BigInt(v.charCodeAt(i));
    return { count: c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c };
  }
  const h = Hll.from(v);
  const hist = h.histogram();
  if (!hist) return { error: HLL_ERR_CORRUPT };
  const card = estimate(hist);
  // Store the new cache (little endian). A card of 2^63 sets the top bit, so it stays "stale".
  let c = BigInt(card);
  for (let i = 8; i < 16; i++) {
    h.buf[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  return { count: asReply(card), bytes: h.toBytes() };
}

export type HllMergeResult = { bytes: string } | { error: string };

/**
 * PFMERGE dest src...: Redis merges the destination itself first, so `dest`
 * takes part in the union and in the type checks. The result stays sparse
 * unless some input was dense or the sparse form outgrows `sparseMaxBytes`.
 */
export function hllMerge(dest: HllSource, sources: HllSource[], sparseMaxBytes = HLL_SPARSE_MAX_BYTES): HllMergeResult {
  const max = new Uint8Array(REGISTERS);
  let useDense = false;
  const all: HllSource[] = [dest, ...sources];
  for (const v of all) {
    if (v === null) continue;
    if (v === HLL_NOT_STRING) return { error: E.WRONGTYPE };
    if (!isValidHll(v)) return { error: HLL_ERR_NOT_HLL };
    const h = Hll.from(v);
    if (h.encoding === DENSE) useDense = true;
    if (!h.mergeInto(max)) return { error: HLL_ERR_CORRUPT };
  }
  // dest is a valid HLL string or null here: the loop above rejected anything else.
  const h = dest === null ? Hll.create() : Hll.from(dest as string);
  if (useDense && !h.toDense()) return { error: HLL_ERR_CORRUPT };
  for (let j = 0; j < REGISTERS; j++) {
    if (max[j] !== 0) h.set(j, max[j], sparseMaxBytes);
  }
  h.invalidateCache();
  return { bytes: h.toBytes() };
}
