// Hash and sizing arithmetic of Lua 5.1 as built into Redis 7.0 (deps/lua).
// Pure functions: no fengari dependency, so they can be tested in isolation.

/** Largest log2 size of a 5.1 array part (MAXBITS for 32-bit ints). */
export const MAXBITS = 26;
/** Largest index that may live in a 5.1 array part. */
export const MAXASIZE = 1 << MAXBITS;

/**
 * String hash as Redis's patched lstring.c computes it: seed is the length,
 * and every byte is mixed in from the last to the first (Redis changed the
 * stock 5.1 step of (len>>5)+1 to 1, so long strings hash all their bytes).
 */
export function luaStringHash51(bytes: ArrayLike<number>): number {
  const len = bytes.length;
  let h = len >>> 0;
  for (let i = len; i >= 1; i--) {
    h = (h ^ (((h << 5) >>> 0) + (h >>> 2) + (bytes[i - 1]! & 0xff))) >>> 0;
  }
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * The unsigned value 5.1's hashnum reduces a double to: the two 32-bit halves
 * of its IEEE bytes added together (mod 2^32). Zero (and -0) is special-cased
 * by the caller to node 0; this returns 0 for it as well.
 */
export function luaNumberHash51(n: number): number {
  if (n === 0) return 0;
  f64[0] = n;
  return (u32[0]! + u32[1]!) >>> 0;
}

/** ceil(log2(x)) for 1 <= x <= 2^31, as luaO_log2(x-1)+1. */
export function ceilLog2(x: number): number {
  return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
}

/** luaO_int2fb: encode a size hint as a "floating point byte" (rounds up). */
export function int2fb(x: number): number {
  let e = 0;
  while (x >= 16) {
    x = (x + 1) >> 1;
    e++;
  }
  if (x < 8) return x;
  return ((e + 1) << 3) | (x - 8);
}

/** luaO_fb2int: decode a "floating point byte". */
export function fb2int(x: number): number {
  const e = (x >> 3) & 31;
  if (e === 0) return x;
  return ((x & 7) + 8) * 2 ** (e - 1);
}

/**
 * The int a 5.1 number converts to with lua_number2int on x86-64 when that
 * conversion is exact; -1 otherwise (5.1's arrayindex "no index" answer).
 * Out-of-range doubles truncate to INT_MIN there, never equal to the input
 * except for -2^31 itself, which is not a positive index anyway.
 */
export function arrayIndex51(n: number): number {
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n;
  return -1;
}
