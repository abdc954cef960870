/**
 * x86-64 `long double` (80-bit extended: 64-bit mantissa, exponent range 2^-16445 .. 2^16384)
 * emulated exactly with BigInt, for INCRBYFLOAT and HINCRBYFLOAT:
 *   parse with strtold (string2ld rules), add with round-half-even, print with "%.17Lf"
 *   and Redis's LD_STR_HUMAN trimming.
 */
import { EXTENDED_FORMAT, fixedBinary, isCSpace, roundRational, roundScan, scanFloat } from './float.js';

/** A long double value. Finite values are (-1)^neg * m * 2^e with m < 2^64 (m = 0 is a zero). */
export type LongDouble =
  | { kind: 'finite'; neg: boolean; m: bigint; e: number }
  | { kind: 'inf'; neg: boolean }
  | { kind: 'nan' };

/** string2ld() refuses strings this long or longer (its MAX_LONG_DOUBLE_CHARS buffer). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

export interface StrtoldResult {
  value: LongDouble;
  end: number;
  /** errno == ERANGE: overflow, or an inexact result below the normal range (incl. 0). */
  erange: boolean;
}

/** glibc strtold(s + start, &end) for the x86-64 80-bit format. */
export function strtold(s: string, start = 0): StrtoldResult {
  const scan = scanFloat(s, start);
  switch (scan.kind) {
    case 'none':
      return { value: { kind: 'finite', neg: false, m: 0n, e: 0 }, end: start, erange: false };
    case 'inf':
      return { value: { kind: 'inf', neg: scan.neg }, end: scan.end, erange: false };
    case 'nan':
      return { value: { kind: 'nan' }, end: scan.end, erange: false };
  }
  const r = roundScan(scan, EXTENDED_FORMAT);
  if (r.overflow) return { value: { kind: 'inf', neg: scan.neg }, end: scan.end, erange: true };
  return {
    value: { kind: 'finite', neg: scan.neg, m: r.m, e: r.e },
    end: scan.end,
    erange: r.tiny || (r.m === 0n && r.inexact),
  };
}

/**
 * Redis string2ld(): whole string (1..5119 bytes) must parse, no leading space, no NaN,
 * no overflow to +/-inf nor underflow to zero. "inf"/"-inf" literals ARE accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isCSpace(s.charCodeAt(0))) return null;
  const r = strtold(s, 0);
  if (r.end !== s.length) return null;
  const v = r.value;
  if (v.kind === 'nan') return null;
  if (r.erange && (v.kind === 'inf' || v.m === 0n)) return null;
  return v;
}

export function isFiniteLD(x: LongDouble): boolean {
  return x.kind === 'finite';
}

/** Exact long double value of a JS integer or bigint (int64 values are exact in 64 bits). */
export function longDoubleFromInt(v: number | bigint): LongDouble {
  let b = BigInt(v);
  const neg = b < 0n;
  if (neg) b = -b;
  const r = roundRational(b, 1n, EXTENDED_FORMAT);
  if (r.overflow) return { kind: 'inf', neg };
  return { kind: 'finite', neg, m: r.m, e: r.e };
}

/** a + b in long double, round-half-even, as the x87 FPU does it. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf') return a.neg === b.neg ? a : { kind: 'nan' };
    return a.kind === 'inf' ? a : b;
  }
  if (a.m === 0n && b.m === 0n) return { kind: 'finite', neg: a.neg && b.neg, m: 0n, e: 0 };
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = a.m << BigInt(a.e - e);
  const bv = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return { kind: 'finite', neg: false, m: 0n, e: 0 }; // x + (-x) = +0
  const neg = sum < 0n;
  const mag = neg ? -sum : sum;
  const r = e >= 0 ? roundRational(mag << BigInt(e), 1n, EXTENDED_FORMAT) : roundRational(mag, 1n << BigInt(-e), EXTENDED_FORMAT);
  if (r.overflow) return { kind: 'inf', neg };
  return { kind: 'finite', neg, m: r.m, e: r.e };
}

/**
 * printf("%.<digits>Lf", x) as glibc prints it: the exact binary value rounded half-even
 * to `digits` decimals (the sign is kept even when the rounded value is zero).
 */
export function formatLongDoubleFixed(x: LongDouble, digits = 17): string {
  if (x.kind === 'nan') return 'nan';
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  return (x.neg ? '-' : '') + fixedBinary(x.m, x.e, digits);
}

/**
 * Redis ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeros and a bare '.' removed,
 * "-0" becomes "0"; infinities print as "inf"/"-inf".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  let s = formatLongDoubleFixed(x, 17);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  return s === '-0' ? '0' : s;
}

export type FloatIncrResult = { ok: true; value: string } | { ok: false; error: string };

export const INCR_ERR = {
  NOT_FLOAT: 'ERR value is not a valid float',
  NAN_OR_INF_RESULT: 'ERR increment would produce NaN or Infinity',
  HASH_INCR_NAN_OR_INF: 'ERR value is NaN or Infinity',
  HASH_NOT_FLOAT: 'ERR hash value is not a float',
} as const;

function addAndFormat(cur: LongDouble, inc: LongDouble): FloatIncrResult {
  const sum = addLongDouble(cur, inc);
  if (sum.kind !== 'finite') return { ok: false, error: INCR_ERR.NAN_OR_INF_RESULT };
  return { ok: true, value: formatLongDoubleHuman(sum) };
}

/**
 * INCRBYFLOAT after the caller's WRONGTYPE check. `current` is the key's string value
 * (null when the key is missing). Errors, in Redis's order: current not a float, increment
 * not a float (both "ERR value is not a valid float"), then NaN/Infinity result.
 * The returned value is the new string to store and the bulk reply.
 */
export function incrByFloat(current: string | null, incr: string): FloatIncrResult {
  const cur = current === null ? longDoubleFromInt(0) : parseLongDouble(current);
  if (cur === null) return { ok: false, error: INCR_ERR.NOT_FLOAT };
  const inc = parseLongDouble(incr);
  if (inc === null) return { ok: false, error: INCR_ERR.NOT_FLOAT };
  return addAndFormat(cur, inc);
}

/**
 * HINCRBYFLOAT's increment check, which Redis does BEFORE looking up the key (so it wins
 * over WRONGTYPE): returns the error text or null when the increment is usable.
 */
export function checkHincrByFloatIncrement(incr: string): string | null {
  const inc = parseLongDouble(incr);
  if (inc === null) return INCR_ERR.NOT_FLOAT;
  if (inc.kind !== 'finite') return INCR_ERR.HASH_INCR_NAN_OR_INF;
  return null;
}

/**
 * HINCRBYFLOAT: `current` is the field's value (null when the field is missing).
 * Errors: increment checks as checkHincrByFloatIncrement, then "ERR hash value is not a float",
 * then the NaN/Infinity result. The value is the new field value and the bulk reply.
 */
export function hincrByFloat(current: string | null, incr: string): FloatIncrResult {
  const incErr = checkHincrByFloatIncrement(incr);
  if (incErr !== null) return { ok: false, error: incErr };
  const inc = parseLongDouble(incr) as LongDouble;
  const cur = current === null ? longDoubleFromInt(0) : parseLongDouble(current);
  if (cur === null) return { ok: false, error: INCR_ERR.HASH_NOT_FLOAT };
  return addAndFormat(cur, inc);
}
