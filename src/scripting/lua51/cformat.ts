/**
 * C printf-style number formatting as glibc does it (exactly rounded,
 * round-half-even on exact ties), used by tostring (%.14g) and string.format.
 *
 * Exactness matters: JS toFixed/toPrecision break exact ties away from zero,
 * glibc uses the exact binary value and rounds ties to even. We therefore
 * expand the double exactly with BigInt (value = D * 10^s) and round on that.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** True when the sign bit is set (also for NaN, which JS cannot test otherwise). */
export function signBit(x: number): boolean {
  f64[0] = x;
  return (u32[1] >>> 31) === 1;
}

/** Exact decimal expansion of a finite non-negative double: x = D * 10^s. */
function exactDecimal(x: number): { D: bigint; s: number } {
  f64[0] = x;
  const hi = u32[1] & 0x7fffffff;
  const lo = u32[0];
  const bexp = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else { m |= 1n << 52n; e = bexp - 1075; }
  if (m === 0n) return { D: 0n, s: 0 };
  if (e >= 0) return { D: m << BigInt(e), s: 0 };
  return { D: m * 5n ** BigInt(-e), s: e };
}

/** Divide by 10^k rounding half to even (k > 0). */
function divRoundEven(D: bigint, k: number): bigint {
  const p = 10n ** BigInt(k);
  const q = D / p;
  const r2 = (D % p) * 2n;
  if (r2 > p || (r2 === p && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Digits of x rounded to `prec` places after the point (x >= 0, finite). */
function fixedDigits(x: number, prec: number): string {
  const { D, s } = exactDecimal(x);
  const shift = s + prec;
  const q = shift >= 0 ? D * 10n ** BigInt(shift) : divRoundEven(D, -shift);
  let str = q.toString();
  if (prec === 0) return str;
  if (str.length <= prec) str = '0'.repeat(prec - str.length + 1) + str;
  return str.slice(0, str.length - prec) + '.' + str.slice(str.length - prec);
}

/** x rounded to P significant digits: digit string of length P and decimal exponent. */
function sigDigits(x: number, P: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(P), exp: 0 };
  const { D, s } = exactDecimal(x);
  const ds = D.toString();
  let exp = ds.length - 1 + s;
  let q: bigint;
  if (ds.length > P) {
    q = divRoundEven(D, ds.length - P);
    if (q.toString().length > P) { q /= 10n; exp++; }
  } else {
    q = D * 10n ** BigInt(P - ds.length);
  }
  return { digits: q.toString(), exp };
}

function expSuffix(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

function expBody(x: number, prec: number, upper: boolean, alt: boolean): string {
  const { digits, exp } = sigDigits(x, prec + 1);
  let body = digits[0];
  if (prec > 0 || alt) body += '.';
  body += digits.slice(1);
  return body + expSuffix(exp, upper);
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function gBody(x: number, prec: number, upper: boolean, alt: boolean): string {
  const P = prec === 0 ? 1 : prec;
  const X = x === 0 ? 0 : sigDigits(x, P).exp;
  if (P > X && X >= -4) {
    const s = fixedDigits(x, P - 1 - X);
    const r = alt && s.indexOf('.') < 0 ? s + '.' : s;
    return alt ? r : stripZeros(r);
  }
  const s = expBody(x, P - 1, upper, alt);
  if (alt) return s;
  const i = s.indexOf(upper ? 'E' : 'e');
  return stripZeros(s.slice(0, i)) + s.slice(i);
}

export interface Spec {
  flags: string; // subset of "-+ #0"
  width: number; // 0 = none
  precision: number; // -1 = none
  conv: string; // d i o u x X c e E f g G s
}

function pad(sign: string, body: string, spec: Spec, zeroOk: boolean): string {
  const w = spec.width;
  const len = sign.length + body.length;
  if (len >= w) return sign + body;
  if (spec.flags.includes('-')) return sign + body + ' '.repeat(w - len);
  if (zeroOk && spec.flags.includes('0')) return sign + '0'.repeat(w - len) + body;
  return ' '.repeat(w - len) + sign + body;
}

/** %e %E %f %g %G of a double, glibc style. */
export function formatFloat(x: number, spec: Spec): string {
  const upper = spec.conv === 'E' || spec.conv === 'G';
  const alt = spec.flags.includes('#');
  const neg = signBit(x);
  const sign = neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    return pad(sign, upper ? t.toUpperCase() : t, spec, false);
  }
  const a = Math.abs(x);
  const prec = spec.precision < 0 ? 6 : spec.precision;
  let body: string;
  switch (spec.conv) {
    case 'f': case 'F':
      body = fixedDigits(a, prec);
      if (alt && prec === 0) body += '.';
      break;
    case 'e': case 'E':
      body = expBody(a, prec, upper, alt);
      break;
    default:
      body = gBody(a, prec, upper, alt);
  }
  return pad(sign, body, spec, true);
}

const TWO63 = 9223372036854775808;

/** C cast double -> int64 on x86-64 (cvttsd2si): out of range / NaN gives INT64_MIN. */
export function toInt64(d: number): bigint {
  if (!(d >= -TWO63 && d < TWO63)) return -(1n << 63n);
  return BigInt(Math.trunc(d));
}

/** C cast double -> uint64 as gcc emits it on x86-64. */
export function toUint64(d: number): bigint {
  // NaN compares unordered, which the emitted branch treats as 'below 2^63'
  if (!(d >= TWO63)) return BigInt.asUintN(64, toInt64(d));
  // values >= 2^63 are shifted down, converted, and the top bit flipped back
  return BigInt.asUintN(64, toInt64(d - TWO63) ^ (1n << 63n));
}

/** C cast double -> int (32-bit cvttsd2si): out of range / NaN gives INT_MIN. */
export function toInt32Direct(d: number): number {
  if (!(d > -2147483649 && d < 2147483648)) return -2147483648;
  return Math.trunc(d) | 0;
}

/** Integer conversions %d %i %o %u %x %X of an already-cast 64-bit value. */
export function formatInt(v: bigint, spec: Spec): string {
  const conv = spec.conv;
  let sign = '';
  let mag: bigint;
  if (conv === 'd' || conv === 'i') {
    if (v < 0n) { sign = '-'; mag = -v; } else {
      mag = v;
      sign = spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
    }
  } else {
    mag = BigInt.asUintN(64, v);
  }
  const radix = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = spec.precision === 0 && mag === 0n ? '' : mag.toString(radix);
  if (conv === 'X') digits = digits.toUpperCase();
  if (spec.precision > digits.length) digits = '0'.repeat(spec.precision - digits.length) + digits;
  if (spec.flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
    else if ((conv === 'x' || conv === 'X') && mag !== 0n) sign = conv === 'x' ? '0x' : '0X';
  }
  return pad(sign, digits, spec, spec.precision < 0);
}

/** Pad a string/char conversion to the field width. */
export function padText(s: string, spec: Spec): string {
  return pad('', s, spec, false);
}

/** %.14g, the Lua 5.1 number-to-string format (LUA_NUMBER_FMT). */
export function fmtNumber14(x: number): string {
  if (Number.isInteger(x) && x > -1e14 && x < 1e14) {
    return x === 0 && signBit(x) ? '-0' : String(x);
  }
  return formatFloat(x, { flags: '', width: 0, precision: 14, conv: 'g' });
}
