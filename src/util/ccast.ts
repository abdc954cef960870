/**
 * C casts from double to integer types as gcc compiles them for x86-64 (cvttsd2si):
 * truncation toward zero; NaN and out-of-range values give the "integer indefinite"
 * value (the type's minimum). Lua 5.1's lua_Integer conversions and printf's %d/%x
 * arguments in the scripting engine go through these.
 */

const TWO63 = 9223372036854775808;

/** (int64_t)d. */
export function castInt64(d: number): bigint {
  if (!(d >= -TWO63 && d < TWO63)) return -(1n << 63n);
  return BigInt(Math.trunc(d));
}

/** (int64_t)d as a JS number (exact below 2^53; -0 becomes 0). */
export function castInt64Num(d: number): number {
  if (!(d >= -TWO63 && d < TWO63)) return -TWO63;
  return Math.trunc(d) + 0;
}

/** (uint64_t)d. */
export function castUint64(d: number): bigint {
  // NaN compares unordered, which the emitted branch treats as 'below 2^63'
  if (!(d >= TWO63)) return BigInt.asUintN(64, castInt64(d));
  // values >= 2^63 are shifted down, converted, and the top bit flipped back
  return BigInt.asUintN(64, castInt64(d - TWO63) ^ (1n << 63n));
}

/** (int32_t)d, converted directly (not through int64). */
export function castInt32(d: number): number {
  if (!(d > -2147483649 && d < 2147483648)) return -2147483648;
  return Math.trunc(d) | 0;
}
