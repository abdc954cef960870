/**
 * Number parsing and formatting exactly as Redis 7.0 (on glibc, x86-64) does it.
 *
 * - strtod(): glibc's C-locale grammar (spaces, sign, inf/infinity, nan(...), hex floats
 *   with optional p-exponent, decimals), correctly rounded, with the ERANGE flag. Reads a
 *   byte string or a byte array (Lua strings), so every C-level parser shares it.
 * - parseDouble(): Redis string2d() rules (ZADD scores, GEO coords, weights ...).
 * - parseDoubleLoose(): the bare strtod() check of zslParseRange (ZRANGEBYSCORE bounds).
 * - formatG(): printf("%.<P>g") with glibc's round-half-even on exact ties.
 * - formatMagnitude(): the %e / %f / %g bodies (with '#'), for printf engines.
 * - formatDouble(): addReplyDouble's "%.17g" (RESP2 bulk body and RESP3 ',' body alike).
 * - parseLongLong(): Redis string2ll() (strict: no '+', no leading zeros, no "-0").
 *
 * The exact binary<->decimal machinery here (BigInt based) is shared with longdouble.ts.
 */

// ---------------------------------------------------------------------------
// Scanning (glibc strtod grammar, C locale)
// ---------------------------------------------------------------------------

/** Text to scan: a byte string (one char per byte) or the bytes themselves (a Lua string). */
export type CharSeq = string | ArrayLike<number>;

export interface FloatScan {
  /** Index just past the consumed text; equals the start index when nothing was parsed. */
  end: number;
  neg: boolean;
  kind: 'none' | 'num' | 'inf' | 'nan';
  /** For kind 'num': mantissa digits (integer and fraction digits concatenated). */
  digits: string;
  hex: boolean;
  /**
   * For kind 'num': value = int(digits, hex ? 16 : 10) * base^scale where base is 2 for hex
   * (fraction digits and the p-exponent folded in) and 10 for decimal.
   */
  scale: number;
}

/** C isspace() in the C locale. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isNanChar = (c: number): boolean => isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95;
// Exponents are clamped: anything this large already overflows/underflows every format.
const EXP_CLAMP = 1e9;

/** Char code at i, -1 past the end (a NUL byte stops every rule below by itself). */
type CodeAt = (i: number) => number;

function codeReader(s: CharSeq): CodeAt {
  return typeof s === 'string'
    ? (i) => (i < s.length ? s.charCodeAt(i) : -1)
    : (i) => (i < s.length ? s[i] : -1);
}

/** s[a..b) as a byte string. */
function textOf(s: CharSeq, a: number, b: number): string {
  if (typeof s === 'string') return s.slice(a, b);
  let out = '';
  for (let i = a; i < b; i++) out += String.fromCharCode(s[i]);
  return out;
}

/** Case-insensitive match of a lower-case ASCII word at i. */
function matchWord(at: CodeAt, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((at(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Reads an optionally signed decimal exponent at `i` (just after 'e' / 'p'). */
function scanExponent(at: CodeAt, i: number): { end: number; value: number } | null {
  let j = i;
  let neg = false;
  if (at(j) === 43 || at(j) === 45) {
    neg = at(j) === 45;
    j++;
  }
  if (!isDigit(at(j))) return null;
  let v = 0;
  while (isDigit(at(j))) {
    if (v < EXP_CLAMP) v = v * 10 + (at(j) - 48);
    j++;
  }
  return { end: j, value: neg ? -Math.min(v, EXP_CLAMP) : Math.min(v, EXP_CLAMP) };
}

/** Mantissa digits at j (`isD` digits, then an optional '.' and more), as glibc reads them. */
function scanMantissa(s: CharSeq, at: CodeAt, j: number, isD: (c: number) => boolean) {
  const a = j;
  while (isD(at(j))) j++;
  let digits = textOf(s, a, j);
  let fracLen = 0;
  if (at(j) === 46) {
    const b = j + 1;
    let k = b;
    while (isD(at(k))) k++;
    // A lone '.' is not part of the number.
    if (digits.length + (k - b) > 0) {
      digits += textOf(s, b, k);
      fracLen = k - b;
      j = k;
    }
  }
  return { end: j, digits, fracLen };
}

/** Scans a floating point number the way glibc strtod/strtold does, starting at `start`. */
export function scanFloat(s: CharSeq, start = 0): FloatScan {
  const at = codeReader(s);
  let i = start;
  while (isCSpace(at(i))) i++;
  let neg = false;
  if (at(i) === 43 || at(i) === 45) {
    neg = at(i) === 45;
    i++;
  }
  if (matchWord(at, i, 'inf')) {
    const end = matchWord(at, i, 'infinity') ? i + 8 : i + 3;
    return { end, neg, kind: 'inf', digits: '', hex: false, scale: 0 };
  }
  if (matchWord(at, i, 'nan')) {
    let end = i + 3;
    if (at(end) === 40) {
      let j = end + 1;
      while (isNanChar(at(j))) j++;
      if (at(j) === 41) end = j + 1;
    }
    return { end, neg, kind: 'nan', digits: '', hex: false, scale: 0 };
  }
  const hex = at(i) === 48 && (at(i + 1) | 0x20) === 120;
  const m = hex ? scanMantissa(s, at, i + 2, isHexDigit) : scanMantissa(s, at, i, isDigit);
  if (m.digits.length === 0) {
    // "0x" with no hex digit: only the "0" is a number.
    if (hex) return { end: i + 1, neg, kind: 'num', digits: '0', hex: false, scale: 0 };
    return { end: start, neg: false, kind: 'none', digits: '', hex: false, scale: 0 };
  }
  let j = m.end;
  // Hex digits are 4 bits each and take a binary 'p' exponent; decimals take 'e'.
  let scale = hex ? -4 * m.fracLen : -m.fracLen;
  if ((at(j) | 0x20) === (hex ? 112 : 101)) {
    const e = scanExponent(at, j + 1);
    if (e) {
      scale += e.value;
      j = e.end;
    }
  }
  return { end: j, neg, kind: 'num', digits: m.digits, hex, scale };
}

// ---------------------------------------------------------------------------
// Exact rounding to a binary format
// ---------------------------------------------------------------------------

/** A binary floating point format: `bits` of mantissa, smallest lsb exponent, overflow at 2^maxExp. */
export interface BinaryFormat {
  bits: number;
  minLsb: number;
  maxExp: number;
}

export const DOUBLE_FORMAT: BinaryFormat = { bits: 53, minLsb: -1074, maxExp: 1024 };
export const EXTENDED_FORMAT: BinaryFormat = { bits: 64, minLsb: -16445, maxExp: 16384 };

/** Rounded magnitude m * 2^e (m < 2^bits), or overflow. `tiny`: below the normal range and inexact. */
export type Rounded =
  | { overflow: false; m: bigint; e: number; inexact: boolean; tiny: boolean }
  | { overflow: true };

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds the positive rational num/den to `fmt`, round-half-even (the default FP mode). */
export function roundRational(num: bigint, den: bigint, fmt: BinaryFormat): Rounded {
  if (num === 0n) return { overflow: false, m: 0n, e: 0, inexact: false, tiny: false };
  // t = floor(log2(num/den))
  let t = bitLength(num) - bitLength(den);
  const ge = t >= 0 ? num >= den << BigInt(t) : num << BigInt(-t) >= den;
  if (!ge) t--;
  if (t >= fmt.maxExp) return { overflow: true };
  const lsb = Math.max(t - (fmt.bits - 1), fmt.minLsb);
  let n2 = num;
  let d2 = den;
  if (lsb <= 0) n2 <<= BigInt(-lsb);
  else d2 <<= BigInt(lsb);
  let q = n2 / d2;
  const r2 = (n2 - q * d2) * 2n;
  const inexact = r2 !== 0n;
  if (r2 > d2 || (r2 === d2 && (q & 1n) === 1n)) q += 1n;
  let e = lsb;
  if (q === 1n << BigInt(fmt.bits)) {
    q >>= 1n;
    e++;
  }
  if (q !== 0n && bitLength(q) + e > fmt.maxExp) return { overflow: true };
  const minNormalExp = fmt.minLsb + fmt.bits - 1;
  return { overflow: false, m: q, e, inexact, tiny: inexact && t < minNormalExp };
}

/**
 * Converts the digits of a numeric FloatScan to `fmt`, correctly rounded.
 * Returns the rounded magnitude (sign is the caller's), with a cheap magnitude pre-check so
 * absurd exponents never build giant BigInts.
 */
export function roundScan(scan: FloatScan, fmt: BinaryFormat): Rounded {
  let digits = scan.digits.replace(/^0+/, '');
  if (digits.length === 0) return { overflow: false, m: 0n, e: 0, inexact: false, tiny: false };
  let scale = scan.scale;
  const tiny0: Rounded = { overflow: false, m: 0n, e: 0, inexact: true, tiny: true };
  if (scan.hex) {
    const m = BigInt('0x' + digits);
    const top = scale + bitLength(m); // value < 2^top
    if (top - 1 >= fmt.maxExp) return { overflow: true };
    if (top < fmt.minLsb - 2) return tiny0;
    return scale >= 0 ? roundRational(m << BigInt(scale), 1n, fmt) : roundRational(m, 1n << BigInt(-scale), fmt);
  }
  const stripped = digits.replace(/0+$/, '');
  scale += digits.length - stripped.length;
  digits = stripped;
  const top = scale + digits.length; // 10^(top-1) <= value < 10^top
  // log10(2) ~ 0.30103: generous margins, the exact rounding decides the rest.
  if ((top - 1) * 3.3219 > fmt.maxExp + 4) return { overflow: true };
  if (top * 3.3219 < fmt.minLsb - 8) return tiny0;
  const m = BigInt(digits);
  return scale >= 0 ? roundRational(m * 10n ** BigInt(scale), 1n, fmt) : roundRational(m, 10n ** BigInt(-scale), fmt);
}

// ---------------------------------------------------------------------------
// strtod and the Redis acceptance rules built on it
// ---------------------------------------------------------------------------

export interface StrtodResult {
  value: number;
  /** Index after the parsed text (== start when no conversion was performed). */
  end: number;
  /** errno == ERANGE: overflow, or an inexact result below the normal range (incl. 0). */
  erange: boolean;
}

const POW2_CACHE = new Map<number, number>();
function pow2(e: number): number {
  let v = POW2_CACHE.get(e);
  if (v === undefined) {
    v = Math.pow(2, e);
    POW2_CACHE.set(e, v);
  }
  return v;
}

// Quiet NaNs of both signs, read from memory on every use: V8's optimizing compiler folds a
// value it can prove to be NaN (a NaN literal or constant) into its one positive NaN, so a
// "-nan" held in a constant loses its sign once the code is hot.
const NANS = new Float64Array(2);
{
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const dv = new DataView(NANS.buffer);
  dv.setUint32(le ? 4 : 0, 0x7ff80000, le);
  dv.setUint32(le ? 12 : 8, 0xfff80000, le);
}

/** The NaN glibc's strtod returns for "nan" / "-nan" (printf shows "nan" / "-nan"). */
export function nanWithSign(neg: boolean): number {
  return NANS[neg ? 1 : 0];
}

/**
 * glibc strtod(s + start, &end), over a byte string or a byte array. A NUL byte ends the
 * number like any other non-numeric char, so C-string callers need no copy.
 */
export function strtod(s: CharSeq, start = 0): StrtodResult {
  const scan = scanFloat(s, start);
  switch (scan.kind) {
    case 'none':
      return { value: 0, end: start, erange: false };
    case 'inf':
      return { value: scan.neg ? -Infinity : Infinity, end: scan.end, erange: false };
    case 'nan':
      return { value: nanWithSign(scan.neg), end: scan.end, erange: false };
  }
  if (!scan.hex) {
    // JS Number() is correctly rounded like glibc; the validated text is a JS numeric literal.
    const text = textOf(s, start, scan.end).replace(/^[\t\n\v\f\r ]+/, '');
    const v = Number(text);
    let erange = false;
    if (!Number.isFinite(v)) erange = true;
    else if (v === 0) erange = /[1-9]/.test(scan.digits);
    else if (Math.abs(v) < 2.2250738585072014e-308) {
      // Subnormal: glibc flags ERANGE only when the result is inexact.
      const r = roundScan(scan, DOUBLE_FORMAT);
      erange = !r.overflow && r.inexact;
    }
    return { value: v, end: scan.end, erange };
  }
  const r = roundScan(scan, DOUBLE_FORMAT);
  if (r.overflow) return { value: scan.neg ? -Infinity : Infinity, end: scan.end, erange: true };
  const mag = Number(r.m) * pow2(r.e);
  return { value: scan.neg ? -mag : mag, end: scan.end, erange: r.tiny || (r.m === 0n && r.inexact) };
}

/**
 * Redis string2d(): the whole string must be a number (no leading space, no trailing bytes,
 * NUL included), not NaN, and neither overflowing nor underflowing to zero.
 * Accepts inf/infinity (any case, signed), hex floats, "5.", ".5". Used by ZADD, ZINCRBY,
 * GEOADD, ZUNIONSTORE WEIGHTS, GEOSEARCH radius etc.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return null;
  // Fast path for plain decimals (the overwhelmingly common case).
  if (/^-?[0-9]{1,15}(\.[0-9]{1,15})?$/.test(s)) return Number(s);
  const r = strtod(s, 0);
  if (r.end !== s.length) return null;
  if (Number.isNaN(r.value)) return null;
  if (r.erange && (r.value === 0 || !Number.isFinite(r.value))) return null;
  return r.value;
}

/**
 * The check zslParseRange applies to ZRANGEBYSCORE/ZCOUNT/... bounds (after removing '('):
 * plain strtod, leading spaces allowed, the text must end at the string end or a NUL byte,
 * NaN rejected, overflow gives +/-inf, an empty string is 0.
 */
export function parseDoubleLoose(s: string): number | null {
  const r = strtod(s, 0);
  if (r.end !== s.length && s.charCodeAt(r.end) !== 0) return null;
  if (Number.isNaN(r.value)) return null;
  return r.value;
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little endian -> word 1

/** True when the sign bit is set (also for NaN, which no JS comparison can tell). */
export function signBit(d: number): boolean {
  f64[0] = d;
  return (u32[HI] >>> 31) === 1;
}

/** The exact value of finite |d| as m * 2^e (m < 2^53; m = 0 for a zero). */
export function binaryParts(d: number): { m: bigint; e: number } {
  f64[0] = d;
  const hi = u32[HI] & 0x7fffffff;
  const lo = u32[1 - HI];
  const bexp = hi >>> 20;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return bexp === 0 ? { m, e: -1074 } : { m: m | (1n << 52n), e: bexp - 1075 };
}

/** Exact decimal expansion of finite |d| > 0: digits (no leading zeros) and the exponent of the first digit. */
export function exactDecimal(d: number): { digits: string; exp: number } {
  const { m, e } = binaryParts(d);
  if (e >= 0) {
    const digits = (m << BigInt(e)).toString();
    return { digits, exp: digits.length - 1 };
  }
  const digits = (m * 5n ** BigInt(-e)).toString();
  return { digits, exp: digits.length - 1 + e };
}

/**
 * printf("%.<prec>f") digits of the exact binary value m * 2^e (m >= 0, no sign): rounded
 * half-even to `prec` decimals. Serves double %f and long double %Lf alike.
 */
export function fixedBinary(m: bigint, e: number, prec: number): string {
  const pow = 10n ** BigInt(prec);
  let q: bigint;
  if (e >= 0) {
    q = (m << BigInt(e)) * pow;
  } else {
    const n = m * pow;
    const sh = BigInt(-e);
    q = n >> sh;
    const r2 = (n - (q << sh)) << 1n;
    const den = 1n << sh;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(prec + 1, '0');
  const int = s.slice(0, s.length - prec);
  return prec > 0 ? int + '.' + s.slice(s.length - prec) : int;
}

/** Rounds a digit string to `p` digits, half-even; returns p digits and the exponent (may shift by 1). */
function roundDigitsHalfEven(digits: string, exp: number, p: number): { digits: string; exp: number } {
  if (digits.length <= p) return { digits: digits.padEnd(p, '0'), exp };
  const head = digits.slice(0, p);
  const next = digits.charCodeAt(p) - 48;
  const restNonZero = /[1-9]/.test(digits.slice(p + 1));
  const up = next > 5 || (next === 5 && (restNonZero || (head.charCodeAt(p - 1) - 48) % 2 === 1));
  if (!up) return { digits: head, exp };
  const inc = (BigInt(head) + 1n).toString();
  if (inc.length > p) return { digits: inc.slice(0, p), exp: exp + 1 };
  return { digits: inc.padStart(p, '0'), exp };
}

/**
 * p >= 1 significant digits of finite |d|, correctly rounded half-even, plus the decimal
 * exponent of the first digit (a zero gives p zeros and exponent 0, as printf does).
 */
export function significantDigits(d: number, p: number): { digits: string; exp: number } {
  const a = Math.abs(d);
  if (a === 0) return { digits: '0'.repeat(p), exp: 0 };
  if (p <= 100) {
    // V8's toExponential is exact except that it rounds exact ties away from zero. A tie at
    // p digits shows as a trailing '5' at p+1 digits; only then take the exact slow path.
    const probe = p + 1 <= 100 ? a.toExponential(p) : '';
    const probeDigit = probe ? probe[probe.indexOf('e') - 1] : '5';
    if (probeDigit !== '5') {
      const t = a.toExponential(p - 1);
      const ei = t.indexOf('e');
      return { digits: t.slice(0, ei).replace('.', ''), exp: Number(t.slice(ei + 1)) };
    }
  }
  const x = exactDecimal(a);
  return roundDigitsHalfEven(x.digits, x.exp, p);
}

/** printf's exponent: sign and at least two digits. */
function expSuffix(exp: number, upper: boolean): string {
  const ae = Math.abs(exp);
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
}

/**
 * The body (no sign) glibc printf writes for %e, %f or %g of a finite magnitude a >= 0:
 * exact, ties to even. `precision` < 0 means printf's default 6; `upper` gives 'E';
 * `alt` is the '#' flag (always a point; %g keeps its trailing zeros).
 */
export function formatMagnitude(a: number, conv: 'e' | 'f' | 'g', precision: number, upper = false, alt = false): string {
  const prec = precision < 0 ? 6 : Math.floor(precision);
  if (conv === 'f') {
    const { m, e } = binaryParts(a);
    const s = fixedBinary(m, e, prec);
    return alt && prec === 0 ? s + '.' : s;
  }
  if (conv === 'e') {
    const { digits, exp } = significantDigits(a, prec + 1);
    return digits[0] + (prec > 0 || alt ? '.' : '') + digits.slice(1) + expSuffix(exp, upper);
  }
  const p = prec === 0 ? 1 : prec;
  const { digits, exp } = significantDigits(a, p);
  if (exp < -4 || exp >= p) {
    const frac = alt ? digits.slice(1) : digits.slice(1).replace(/0+$/, '');
    return digits[0] + (frac || alt ? '.' + frac : '') + expSuffix(exp, upper);
  }
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits.slice(0, exp + 1);
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  if (!alt) frac = frac.replace(/0+$/, '');
  return frac || alt ? int + '.' + frac : int;
}

/**
 * C printf("%.<precision>g", d) as glibc prints it: exact, ties to even, exponent with sign and
 * at least two digits, trailing zeros (and a bare '.') removed. NaN prints as "nan" or "-nan"
 * following its sign bit, as glibc does.
 */
export function formatG(d: number, precision: number): string {
  if (Number.isNaN(d)) return signBit(d) ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // Integers with at most `precision` digits print plainly (the common Lua tostring case).
  const p = precision < 0 ? 6 : precision < 1 ? 1 : Math.floor(precision);
  if (Number.isInteger(d) && Math.abs(d) < 10 ** Math.min(p, 15)) return String(d);
  return (d < 0 ? '-' : '') + formatMagnitude(Math.abs(d), 'g', p);
}

/**
 * How Redis 7.0 prints a double in a reply (addReplyDouble): "%.17g", with "inf"/"-inf".
 * The RESP2 bulk body and the RESP3 ',' body are the same text.
 */
export function formatDouble(d: number): string {
  // Safe integers print exactly via String() and have at most 16 digits, so %.17g is plain.
  if (Number.isSafeInteger(d)) return d === 0 && Object.is(d, -0) ? '-0' : String(d);
  return formatG(d, 17);
}

/** RESP3 double body (",<this>\r\n"): identical to the RESP2 text in Redis 7.0. */
export const formatDoubleResp3 = formatDouble;

/**
 * Redis d2string(): like formatDouble, but integral values within +/-2^62 print as integers
 * (this is how listpack-encoded zset scores are stored).
 */
export function d2string(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) {
    if (d === 0) return Object.is(d, -0) ? '-0' : '0';
    return Math.abs(d) <= Number.MAX_SAFE_INTEGER ? String(d) : BigInt(d).toString();
  }
  return formatDouble(d);
}

/** C llrint() in the default rounding mode (ties to even). */
function rintHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +inf
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Redis fixedpoint_d2string(): used by GEODIST / GEOSEARCH WITHDIST (4 fractional digits).
 * The scaling multiply is a double multiply, then ties-to-even rounding to an integer.
 */
export function formatFixedPoint(d: number, fractionalDigits: number): string {
  const k = fractionalDigits;
  if (k < 1 || k > 17) return '';
  if (d === 0) return '0.' + '0'.repeat(k);
  const scaled = rintHalfEven(d * Math.pow(10, k));
  let v = BigInt(scaled);
  const neg = v < 0n;
  if (neg) v = -v;
  const s = v.toString().padStart(k + 1, '0');
  return (neg ? '-' : '') + s.slice(0, s.length - k) + '.' + s.slice(s.length - k);
}

// ---------------------------------------------------------------------------
// 64-bit integers (string2ll)
// ---------------------------------------------------------------------------

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const STRICT_INT = /^(?:0|-?[1-9][0-9]*)$/;

/** Redis string2ll(): "0" or an optional '-' then 1-9 then digits; within int64; at most 20 chars. */
export function parseLongLong(s: string): bigint | null {
  if (s.length <= SHORT_INT_MAX) {
    const n = parseShortInt(s);
    return n === n ? BigInt(n) : null;
  }
  if (s.length >= 21 || !STRICT_INT.test(s)) return null;
  const v = BigInt(s);
  return v > LLONG_MAX || v < LLONG_MIN ? null : v;
}

/**
 * string2ll() returning a JS number; null when invalid OR outside +/-(2^53-1)
 * (callers needing the full int64 range fall back to parseLongLong).
 */
export function parseLongLongNum(s: string): number | null {
  if (s.length <= SHORT_INT_MAX) {
    const n = parseShortInt(s);
    return n === n ? n : null;
  }
  if (s.length >= 21 || !STRICT_INT.test(s)) return null;
  // Anything beyond 2^53-1 rounds to at least 2^53, which is not a safe integer.
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : null;
}

/** Up to 15 characters every valid integer is below 10^15 < 2^53: exact in a double. */
const SHORT_INT_MAX = 15;

/**
 * The common case of string2ll without a regex or a BigInt: strings of at most
 * SHORT_INT_MAX chars, same rules as STRICT_INT. NaN when invalid (also for "").
 */
function parseShortInt(s: string): number {
  const len = s.length;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) i = 1;
  let d = s.charCodeAt(i) - 48;
  // "0" alone is valid; "-0", "01", "-", "" are not (charCodeAt past the end is NaN).
  if (d === 0) return len === 1 ? 0 : NaN;
  if (!(d >= 1 && d <= 9)) return NaN;
  let v = d;
  for (i++; i < len; i++) {
    d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** Redis ll2string(). */
export function formatLongLong(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}
