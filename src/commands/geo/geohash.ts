/**
 * Redis's geohash (geohash.c): coordinates as interleaved fixed-point cells.
 * Latitude bits sit on the even positions and longitude bits on the odd ones; a
 * geo member's zset score is the 26-step hash aligned to 52 bits.
 *
 * Hash bits are BigInts: the cell at the very top edge (latitude 85.05112878 or
 * longitude 180) has its offset equal to 2^step, so the interleaved value can
 * reach past 52 bits and C's uint64 arithmetic (carries, masks, wrap-around) must
 * be reproduced exactly. Decoding a member's score, the hot path, uses 32-bit
 * number arithmetic instead.
 */
import { castUint64 } from '../../util/ccast.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

export interface Range { min: number; max: number }
export interface HashBits { bits: bigint; step: number }
export interface Area { hash: HashBits; longitude: Range; latitude: Range }

export const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;

/** The 16 low bits of v spread onto the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** The even bits of a 32-bit word packed into 16 bits (inverse of spread16). */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64(x, y): x (latitude) on even bits, y (longitude) on odd bits. */
export function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** deinterleave64 of a value given as two 32-bit halves: [even bits, odd bits]. */
function deinterleave(hi: number, lo: number): [number, number] {
  const x = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const y = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** (uint32_t) of a double in the range geohashEncode produces (0 .. 2^32). */
const toU32 = (d: number): number => Number(BigInt.asUintN(32, BigInt(Math.trunc(d))));

/** geohashEncode: null where Redis returns 0 (out of range). */
export function encode(lonR: Range, latR: Range, longitude: number, latitude: number, step: number): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latR.min || latitude > latR.max || longitude < lonR.min || longitude > lonR.max) return null;
  let latOffset = (latitude - latR.min) / (latR.max - latR.min);
  let longOffset = (longitude - lonR.min) / (lonR.max - lonR.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(toU32(latOffset), toU32(longOffset)), step };
}

export function encodeWGS84(longitude: number, latitude: number, step: number): HashBits | null {
  return encode(WGS84_LONG, WGS84_LAT, longitude, latitude, step);
}

/** geohashDecode of hash bits given as a deinterleaved [lat, long] pair. */
function decodeParts(lonR: Range, latR: Range, ilato: number, ilono: number, step: number): { longitude: Range; latitude: Range } {
  const latScale = latR.max - latR.min;
  const longScale = lonR.max - lonR.min;
  const div = 2 ** step;
  return {
    // (ilato + 1) is uint32 arithmetic in C: it wraps to 0.
    latitude: { min: latR.min + (ilato * 1.0 / div) * latScale, max: latR.min + (((ilato + 1) >>> 0) * 1.0 / div) * latScale },
    longitude: { min: lonR.min + (ilono * 1.0 / div) * longScale, max: lonR.min + (((ilono + 1) >>> 0) * 1.0 / div) * longScale },
  };
}

function split(bits: bigint): [number, number] {
  const v = U64(bits);
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/** geohashDecode; null for the zero hash (bits 0, step 0). */
export function decode(lonR: Range, latR: Range, hash: HashBits): Area | null {
  if (hash.bits === 0n && hash.step === 0) return null;
  const [hi, lo] = split(hash.bits);
  const [lat, lon] = deinterleave(hi, lo);
  return { hash, ...decodeParts(lonR, latR, lat, lon, hash.step) };
}

export function decodeWGS84(hash: HashBits): Area | null {
  return decode(WGS84_LONG, WGS84_LAT, hash);
}

/** geohashDecodeAreaToLongLat: the cell centre, clamped to the valid range. */
function centre(a: { longitude: Range; latitude: Range }): [number, number] {
  let x = (a.longitude.min + a.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latitude.min + a.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const TWO32 = 4294967296;

/**
 * decodeGeohash(score): the (uint64_t) cast of a zset score read as a 26-step hash,
 * decoded to the [longitude, latitude] of its cell centre. Always succeeds (the
 * step is never zero), as in Redis.
 */
export function decodeScore(score: number): [number, number] {
  let hi: number, lo: number;
  if (score >= 0 && score < 2 ** 53) {
    const v = Math.trunc(score);
    hi = Math.floor(v / TWO32);
    lo = v - hi * TWO32;
  } else {
    [hi, lo] = split(castUint64(score));
  }
  const [lat, lon] = deinterleave(hi, lo);
  return centre(decodeParts(WGS84_LONG, WGS84_LAT, lat, lon, GEO_STEP_MAX));
}

/** geohashAlign52Bits: the hash shifted to fill 52 bits (uint64 arithmetic). */
export function align52(hash: HashBits): bigint {
  return U64(hash.bits << BigInt(52 - hash.step * 2));
}

function moveX(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = EVEN >> shift;
  if (d > 0) x = U64(x + (zz + 1n));
  else x = U64((x | zz) - (zz + 1n));
  x &= ODD >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = ODD >> shift;
  if (d > 0) y = U64(y + (zz + 1n));
  else y = U64((y | zz) - (zz + 1n));
  y &= EVEN >> shift;
  return { bits: x | y, step: hash.step };
}

export interface Neighbors {
  north: HashBits; south: HashBits; east: HashBits; west: HashBits;
  north_east: HashBits; north_west: HashBits; south_east: HashBits; south_west: HashBits;
}

/** geohashNeighbors: the eight cells around `hash` (wrapping like Redis's bit arithmetic). */
export function neighbors(hash: HashBits): Neighbors {
  const m = (dx: number, dy: number): HashBits => moveY(moveX(hash, dx), dy);
  return {
    east: m(1, 0), west: m(-1, 0), south: m(0, -1), north: m(0, 1),
    north_west: m(-1, 1), north_east: m(1, 1), south_east: m(1, -1), south_west: m(-1, -1),
  };
}

export const ZERO_HASH: HashBits = Object.freeze({ bits: 0n, step: 0 });
export const isZeroHash = (h: HashBits): boolean => h.bits === 0n && h.step === 0;

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string: the stored position re-encoded on the standard
 * geohash ranges (latitude -90..90, not Redis's -85..85); the 11th character is
 * always '0' since only 52 bits exist.
 */
export function standardGeohash(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, 26);
  const bits = h ? h.bits : 0n;
  let s = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    s += GEO_ALPHABET[idx];
  }
  return s;
}
