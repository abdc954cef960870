/**
 * RESP2/RESP3 reply encoder: Reply values -> the exact bytes Redis 7.0 writes.
 *
 * Encoding builds a latin1 "byte string" (one char per byte) and converts to a
 * Buffer once: V8 string concatenation is cheap (ropes) and a single
 * Buffer.from(latin1) per reply/batch beats many small Buffer.concat calls.
 */
import type { Reply } from '../reply.js';

export type RespVersion = 2 | 3;

const CRLF = '\r\n';

// Replies sent so often that building them each time is wasted work.
const OK_BYTES = '+OK\r\n';
const NULL2 = '$-1\r\n';
const NULLARRAY2 = '*-1\r\n';
const NULL3 = '_\r\n';

const INT_CACHE_MIN = -1;
const INT_CACHE_MAX = 1023;
const intCache: string[] = [];
for (let i = INT_CACHE_MIN; i <= INT_CACHE_MAX; i++) intCache[i - INT_CACHE_MIN] = ':' + i + CRLF;

const HDR_CACHE = 256;
const bulkHdr: string[] = [];
const arrHdr: string[] = [];
for (let i = 0; i < HDR_CACHE; i++) {
  bulkHdr[i] = '$' + i + CRLF;
  arrHdr[i] = '*' + i + CRLF;
}

const NEWLINE = /[\r\n]/;
const TRAILING_NEWLINES = /[\r\n]+$/;
const ANY_NEWLINE = /[\r\n]/g;

/**
 * Redis never lets a newline inside an error or status line (it would break
 * the protocol). addReplyErrorFormat trims CR/LF at both ends of "-<text>" (so
 * in effect only trailing ones: the text starts with its code or '-') and turns
 * the rest into spaces; statuses from scripts only get the mapping.
 */
function errorLine(v: string): string {
  if (!NEWLINE.test(v)) return v;
  return v.replace(TRAILING_NEWLINES, '').replace(ANY_NEWLINE, ' ');
}

function statusLine(v: string): string {
  if (!NEWLINE.test(v)) return v;
  return v.replace(ANY_NEWLINE, ' ');
}

function intLine(v: number | bigint): string {
  if (typeof v === 'number' && v >= INT_CACHE_MIN && v <= INT_CACHE_MAX && Number.isInteger(v)) {
    return intCache[v - INT_CACHE_MIN];
  }
  return ':' + String(v) + CRLF;
}

function bulkStr(v: string): string {
  const n = v.length;
  return (n < HDR_CACHE ? bulkHdr[n] : '$' + n + CRLF) + v + CRLF;
}

function aggHdr(prefix: string, n: number): string {
  if (prefix === '*' && n < HDR_CACHE) return arrHdr[n];
  return prefix + n + CRLF;
}

// Private %.17g formatter (src/util/float.ts did not exist when this was
// written; switch to its formatDouble once it lands if it matches).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Is |d| exactly equal to digits * 10^exp10? (exact rational comparison) */
function exactlyEquals(d: number, digits: bigint, exp10: number): boolean {
  f64[0] = Math.abs(d);
  const lo = BigInt(u32[0]);
  const hi = u32[1];
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | lo;
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // mant * 2^e2 == digits * 10^exp10, with all exponents moved to be >= 0
  let left = mant;
  let right = digits;
  if (e2 >= 0) left <<= BigInt(e2);
  else right <<= BigInt(-e2);
  if (exp10 >= 0) right *= 10n ** BigInt(exp10);
  else left *= 10n ** BigInt(-exp10);
  return left === right;
}

/**
 * C's printf("%.17g"): 17 significant digits, round-half-even on the exact
 * binary value, trailing zeros removed, exponent form when exp < -4 or >= 17.
 * V8's toExponential is exact but breaks ties upward, hence the tie check.
 */
export function formatDouble17(d: number): string {
  if (d !== d) {
    f64[0] = d;
    return u32[1] >>> 31 ? '-nan' : 'nan';
  }
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const a = neg ? -d : d;
  let e = a.toExponential(16);
  const e18 = a.toExponential(17);
  if (e18.charCodeAt(18) === 53 /* '5' */) {
    // Possible exact tie at the 18th digit: C rounds it to even.
    const ei = e18.indexOf('e');
    const x = Number(e18.slice(ei + 1));
    const digits = BigInt(e18[0] + e18.slice(2, ei));
    if (exactlyEquals(a, digits, x - 17)) {
      const last = e18.charCodeAt(17) - 48;
      if ((last & 1) === 0) e = e18.slice(0, 18) + 'e' + (x >= 0 ? '+' : '') + x;
    }
  }
  const ei = e.indexOf('e');
  const x = Number(e.slice(ei + 1));
  const ds = e[0] + e.slice(2, ei); // 17 significant digits
  let out: string;
  if (x < -4 || x >= 17) {
    let frac = ds.slice(1).replace(/0+$/, '');
    out = ds[0] + (frac ? '.' + frac : '') + 'e' + (x < 0 ? '-' : '+') + (Math.abs(x) < 10 ? '0' : '') + Math.abs(x);
  } else if (x >= 0) {
    const ip = ds.slice(0, x + 1);
    const frac = ds.slice(x + 1).replace(/0+$/, '');
    out = frac ? ip + '.' + frac : ip;
  } else {
    const frac = ('0'.repeat(-x - 1) + ds).replace(/0+$/, '');
    out = '0.' + frac;
  }
  return neg ? '-' + out : out;
}

/** Text Redis uses for a double: %.17g, with inf/-inf spelled explicitly. */
export function doubleText(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatDouble17(d);
}

/** Verbatim format tag: exactly three chars, space padded (addReplyVerbatim). */
function verbatimTag(fmt: string): string {
  return fmt.length >= 3 ? fmt.slice(0, 3) : (fmt + '   ').slice(0, 3);
}

/** Encode one reply as a byte string (latin1). */
export function encodeReplyString(r: Reply, resp: RespVersion): string {
  switch (r.t) {
    case 'status':
      return r.v === 'OK' ? OK_BYTES : '+' + statusLine(r.v) + CRLF;
    case 'error':
      return '-' + errorLine(r.v) + CRLF;
    case 'int':
      return intLine(r.v);
    case 'bulk':
      return bulkStr(r.v);
    case 'nil':
      return resp === 2 ? NULL2 : NULL3;
    case 'nilarray':
      return resp === 2 ? NULLARRAY2 : NULL3;
    case 'array': {
      const a = r.v;
      let s = aggHdr('*', a.length);
      for (let i = 0; i < a.length; i++) s += encodeReplyString(a[i], resp);
      return s;
    }
    case 'set': {
      const a = r.v;
      let s = aggHdr(resp === 2 ? '*' : '~', a.length);
      for (let i = 0; i < a.length; i++) s += encodeReplyString(a[i], resp);
      return s;
    }
    case 'push': {
      const a = r.v;
      let s = aggHdr(resp === 2 ? '*' : '>', a.length);
      for (let i = 0; i < a.length; i++) s += encodeReplyString(a[i], resp);
      return s;
    }
    case 'map': {
      const m = r.v;
      // RESP2 has no map type: a flat array of key, value, key, value...
      let s = resp === 2 ? aggHdr('*', m.length * 2) : aggHdr('%', m.length);
      for (let i = 0; i < m.length; i++) {
        s += encodeReplyString(m[i][0], resp);
        s += encodeReplyString(m[i][1], resp);
      }
      return s;
    }
    case 'double': {
      const txt = doubleText(r.v);
      return resp === 2 ? bulkStr(txt) : ',' + txt + CRLF;
    }
    case 'bool':
      if (resp === 2) return r.v ? intCache[1 - INT_CACHE_MIN] : intCache[0 - INT_CACHE_MIN];
      return r.v ? '#t\r\n' : '#f\r\n';
    case 'verbatim':
      if (resp === 2) return bulkStr(r.v);
      return '=' + (r.v.length + 4) + CRLF + verbatimTag(r.fmt) + ':' + r.v + CRLF;
    case 'bignum':
      return resp === 2 ? bulkStr(r.v) : '(' + r.v + CRLF;
  }
}

/** Encode one reply as the bytes Redis would write on the socket. */
export function encodeReply(r: Reply, resp: RespVersion): Buffer {
  return Buffer.from(encodeReplyString(r, resp), 'latin1');
}

/** Encode several replies (a pipelined batch) into one Buffer. */
export function encodeReplies(rs: readonly Reply[], resp: RespVersion): Buffer {
  let s = '';
  for (let i = 0; i < rs.length; i++) s += encodeReplyString(rs[i], resp);
  return Buffer.from(s, 'latin1');
}
