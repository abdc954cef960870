/**
 * The C printf engine behind Lua's string.format (and tostring's %.14g): flags, width
 * and precision around the number bodies, which come from src/util/float.ts (exact,
 * round-half-even on ties like glibc) and the C casts in src/util/ccast.ts.
 */
import { formatG, formatMagnitude, signBit } from '../../util/float.js';

export { signBit } from '../../util/float.js';
// The C casts string.format applies to its %d/%x/%c arguments.
export { castInt64 as toInt64, castUint64 as toUint64, castInt32 as toInt32Direct } from '../../util/ccast.js';

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
  const c = spec.conv;
  const conv = c === 'f' || c === 'F' ? 'f' : c === 'e' || c === 'E' ? 'e' : 'g';
  return pad(sign, formatMagnitude(Math.abs(x), conv, spec.precision, upper, alt), spec, true);
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
  return formatG(x, 14);
}
