/**
 * How geo replies print numbers: coordinates as addReplyHumanLongDouble ("%.17Lf" of
 * the exact double, trailing zeros trimmed; a RESP3 double carrying that text),
 * distances as fixedpoint_d2string with 4 digits (always a bulk string), and the
 * "%f" of the invalid-coordinates error.
 */
import { bulk, type Reply } from '../../reply.js';
import { formatFixedPoint, formatMagnitude, signBit } from '../../util/float.js';

/** C printf "%f" of a double. */
export function printfF(d: number): string {
  if (Number.isNaN(d)) return signBit(d) ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return (signBit(d) ? '-' : '') + formatMagnitude(Math.abs(d), 'f', 6);
}

/** ld2string(LD_STR_HUMAN) of a double widened to long double (exact). */
export function humanText(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  let s = (signBit(d) ? '-' : '') + formatMagnitude(Math.abs(d), 'f', 17);
  s = s.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s === '-0' ? '0' : s;
}

/** addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3, both with the human text. */
export function coordReply(d: number): Reply {
  return { t: 'double', v: d, s: humanText(d) };
}

/** addReplyDoubleDistance: "%.4f"-style fixed point, a bulk string in both protocols. */
export function distanceReply(d: number): Reply {
  return bulk(formatFixedPoint(d, 4));
}
