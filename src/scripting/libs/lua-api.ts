/**
 * Shared glue for the Redis Lua C libraries (cjson, cmsgpack, bit, struct)
 * re-implemented on fengari: Lua 5.1 auxiliary-library semantics (argument
 * errors, number/string coercions, the 8000-slot C stack limit) expressed
 * with fengari's 5.3 API, plus the C number formatting/parsing they rely on.
 */
// @ts-ignore fengari ships no type declarations
import fengari from 'fengari';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type LuaState = any;
export const lua: any = (fengari as any).lua;
export const lauxlib: any = (fengari as any).lauxlib;
export const lualib: any = (fengari as any).lualib;
export const to_luastring: (s: string, cache?: boolean) => Uint8Array = (fengari as any).to_luastring;

type NextFn = (L: LuaState, idx: number) => number;

/*
 * Table traversal order must follow Lua 5.1's hash layout for byte-exact
 * cjson/cmsgpack output. That lives in src/scripting/lua51/table-order*.ts
 * (luaNext51); until it is wired, traversal falls back to fengari's lua_next.
 * One-line switch: call setTableNext(luaNext51) once (e.g. from index.ts).
 */
let nextImpl: NextFn | null = null;
export function setTableNext(fn: NextFn | null): void {
  nextImpl = fn;
}
export function hasTableNext51(): boolean {
  return nextImpl !== null;
}
export function nextKey(L: LuaState, idx: number): number {
  return nextImpl ? nextImpl(L, idx) : lua.lua_next(L, idx);
}

/* ---------- byte helpers ---------- */

export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function bytesToLatin1(b: Uint8Array, from = 0, to = b.length): string {
  let s = '';
  const CH = 8192;
  for (let i = from; i < to; i += CH) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(to, i + CH)) as unknown as number[]);
  }
  return s;
}

/** Push a latin1 byte string. */
export function pushBytes(L: LuaState, s: string): void {
  lua.lua_pushlstring(L, latin1ToBytes(s), s.length);
}

/* ---------- errors (lauxlib 5.1 flavour) ---------- */

/** luaL_error: message prefixed with the calling Lua function's position. */
export function luaError(L: LuaState, msg: string): never {
  // The emulated 5.1 limit may have refused lua_checkstack: make real room for the message.
  lua.lua_checkstack(L, 4);
  lauxlib.luaL_where(L, 1);
  pushBytes(L, msg);
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** luaL_argerror as in 5.1: the name is '?' when the caller gives none. */
export function argError(L: LuaState, narg: number, extramsg: string): never {
  const ar = new lua.lua_Debug();
  if (!lua.lua_getstack(L, 0, ar)) return luaError(L, `bad argument #${narg} (${extramsg})`);
  lua.lua_getinfo(L, to_luastring('n', true), ar);
  const namewhat = ar.namewhat ? bytesToLatin1(ar.namewhat) : '';
  const name = ar.name ? bytesToLatin1(ar.name) : null;
  if (namewhat === 'method') {
    narg--;
    if (narg === 0) return luaError(L, `calling '${name}' on bad self (${extramsg})`);
  }
  return luaError(L, `bad argument #${narg} to '${name ?? '?'}' (${extramsg})`);
}

export function typeName(L: LuaState, idx: number): string {
  return bytesToLatin1(lua.lua_typename(L, lua.lua_type(L, idx)));
}

export function typeError(L: LuaState, narg: number, tname: string): never {
  return argError(L, narg, `${tname} expected, got ${typeName(L, narg)}`);
}

/** luaL_checkstack with Lua 5.1's LUAI_MAXCSTACK (8000 slots per C call). */
export const MAXCSTACK51 = 8000;
export function stackRoom51(L: LuaState, n: number): boolean {
  if (lua.lua_gettop(L) + n > MAXCSTACK51) return false;
  return lua.lua_checkstack(L, n);
}
export function checkStack51(L: LuaState, n: number, what: string): void {
  if (!stackRoom51(L, n)) luaError(L, `stack overflow (${what})`);
}

/* ---------- 5.1 number <-> string coercions ---------- */

/** lua_tonumber of 5.1: strings go through strtod (hex, inf, nan, spaces). */
export function toNumber51(L: LuaState, idx: number): number | null {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNUMBER) return lua.lua_tonumber(L, idx);
  if (t !== lua.LUA_TSTRING) return null;
  return str2number51(lua.lua_tolstring(L, idx));
}

/** luaO_str2d (5.1): strtod on the C string, then only trailing spaces allowed. */
export function str2number51(b: Uint8Array): number | null {
  const r = strtod(b, 0);
  if (r.end === 0) return null;
  let p = r.end;
  while (p < b.length && isSpace(b[p])) p++;
  if (p < b.length && b[p] !== 0) return null;
  return r.value;
}

export function isNumber51(L: LuaState, idx: number): boolean {
  return toNumber51(L, idx) !== null;
}

/** (lua_Integer)d on x86-64: truncation, INT64_MIN when out of range. */
export function toInt64(d: number): number {
  if (!(d > -9223372036854775808 - 1 && d < 9223372036854775808)) return -9223372036854775808;
  return Math.trunc(d) + 0;
}

export function checkNumber51(L: LuaState, narg: number): number {
  const n = toNumber51(L, narg);
  if (n === null) return typeError(L, narg, 'number');
  return n;
}

/** luaL_checkinteger (5.1): lua_Integer as a JS number (exact below 2^53). */
export function checkInteger51(L: LuaState, narg: number): number {
  return toInt64(checkNumber51(L, narg));
}

export function optInteger51(L: LuaState, narg: number, def: number): number {
  return lua.lua_type(L, narg) <= 0 ? def : checkInteger51(L, narg);
}

/** lua_tolstring of 5.1: numbers are converted in place with "%.14g". */
export function toLString51(L: LuaState, idx: number): Uint8Array | null {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TSTRING) return lua.lua_tolstring(L, idx);
  if (t !== lua.LUA_TNUMBER) return null;
  const abs = lua.lua_absindex(L, idx);
  pushBytes(L, formatG(lua.lua_tonumber(L, idx), 14));
  lua.lua_replace(L, abs);
  return lua.lua_tolstring(L, abs);
}

export function checkLString51(L: LuaState, narg: number): Uint8Array {
  const s = toLString51(L, narg);
  if (s === null) return typeError(L, narg, 'string');
  return s;
}

/** The C-string view of a Lua string: bytes up to the first NUL. */
export function cString(b: Uint8Array): Uint8Array {
  const z = b.indexOf(0);
  return z < 0 ? b : b.subarray(0, z);
}

/* ---------- printf("%.<prec>g") ---------- */

/** Exact decimal digits of |x| (finite, non-zero): digits and decimal exponent of the first digit. */
function exactDigits(x: number): { digits: string; exp10: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  let digits: string;
  let pointPos: number; // number of digits before the decimal point
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    pointPos = digits.length;
  } else {
    const scaled = mant * 5n ** BigInt(-e2); // value = scaled / 10^-e2
    digits = scaled.toString();
    pointPos = digits.length + e2;
  }
  const lead = digits.match(/^0*/)![0].length;
  digits = digits.slice(lead);
  pointPos -= lead;
  return { digits: digits.replace(/0+$/, ''), exp10: pointPos - 1 };
}

/** Round a digit string to n significant digits, half to even (glibc). */
function roundDigits(digits: string, exp10: number, n: number): { digits: string; exp10: number } {
  if (digits.length <= n) return { digits: digits.padEnd(n, '0'), exp10 };
  const keep = digits.slice(0, n);
  const rest = digits.slice(n);
  let up: boolean;
  if (rest[0] > '5') up = true;
  else if (rest[0] < '5') up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else up = (Number(keep[keep.length - 1]) & 1) === 1;
  if (!up) return { digits: keep, exp10 };
  let v = (BigInt(keep) + 1n).toString();
  if (v.length > n) {
    v = v.slice(0, n);
    exp10++;
  }
  return { digits: v, exp10 };
}

/** C printf "%.{prec}g" for doubles, exact like glibc (round half to even). */
export function formatG(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'nan'; // glibc prints "-nan" for negative NaNs; JS cannot tell
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const P = prec === 0 ? 1 : prec;
  const neg = x < 0 || Object.is(x, -0);
  if (x === 0) return neg ? '-0' : '0';
  if (Number.isInteger(x) && Math.abs(x) < 10 ** Math.min(P, 15)) return String(x);
  const ex = exactDigits(x);
  const r = roundDigits(ex.digits, ex.exp10, P);
  const X = r.exp10;
  let out: string;
  if (X < -4 || X >= P) {
    let m = r.digits[0];
    const frac = r.digits.slice(1).replace(/0+$/, '');
    if (frac) m += '.' + frac;
    const ae = Math.abs(X);
    out = `${m}e${X < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  } else if (X >= 0) {
    const int = r.digits.slice(0, X + 1);
    const frac = r.digits.slice(X + 1).replace(/0+$/, '');
    out = frac ? `${int}.${frac}` : int;
  } else {
    const frac = ('0'.repeat(-X - 1) + r.digits).replace(/0+$/, '');
    out = `0.${frac}`;
  }
  return neg ? '-' + out : out;
}

/* ---------- strtod (glibc) ---------- */

export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const hexVal = (c: number) =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x61 + 10 : -1;

function matchCI(b: Uint8Array, p: number, word: string): boolean {
  if (p + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if ((b[p + i] | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** value = mant * 2^e2, correctly rounded (mant > 0). */
function scaleBinary(mant: bigint, e2: number): number {
  const bits = mant.toString(2).length;
  // Keep 54+ bits and a sticky bit so one final rounding is exact, incl. subnormals.
  const top = bits + e2; // value in [2^(top-1), 2^top)
  if (top > 1025) return Infinity;
  const minExp = -1074;
  let shift = bits - 53; // drop this many bits for a normal result
  if (top - 53 < minExp) shift = minExp - e2; // subnormal: fix exponent at 2^-1074
  if (shift <= 0) return Number(mant) * 2 ** e2; // exact
  const kept = mant >> BigInt(shift);
  const rem = mant - (kept << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  let q = kept;
  if (rem > half || (rem === half && (kept & 1n) === 1n)) q += 1n;
  const e = e2 + shift;
  // q * 2^e: q has at most 54 bits, product exact unless overflow.
  return e > 960 ? Number(q) * 2 ** 960 * 2 ** (e - 960) : e < -960 ? Number(q) * 2 ** (e + 960) * 2 ** -960 : Number(q) * 2 ** e;
}

/**
 * glibc strtod over a byte string from position `start` (NUL ends the C string).
 * Returns the value and the end position (== start when nothing was parsed).
 */
export function strtod(b: Uint8Array, start: number): { value: number; end: number } {
  const at = (i: number) => (i < b.length ? b[i] : 0);
  let p = start;
  while (isSpace(at(p))) p++;
  let sign = 1;
  if (at(p) === 0x2d) {
    sign = -1;
    p++;
  } else if (at(p) === 0x2b) p++;
  // inf / infinity / nan / nan(chars)
  if (matchCI(b, p, 'inf')) {
    p += 3;
    if (matchCI(b, p, 'inity')) p += 5;
    return { value: sign * Infinity, end: p };
  }
  if (matchCI(b, p, 'nan')) {
    p += 3;
    if (at(p) === 0x28) {
      let q = p + 1;
      while (isDigit(at(q)) || ((at(q) | 0x20) >= 0x61 && (at(q) | 0x20) <= 0x7a) || at(q) === 0x5f) q++;
      if (at(q) === 0x29) p = q + 1;
    }
    return { value: NaN, end: p };
  }
  // hexadecimal
  if (at(p) === 0x30 && (at(p + 1) | 0x20) === 0x78) {
    let q = p + 2;
    let mant = 0n;
    let any = false;
    let e2 = 0;
    while (hexVal(at(q)) >= 0) {
      mant = mant * 16n + BigInt(hexVal(at(q++)));
      any = true;
    }
    if (at(q) === 0x2e) {
      q++;
      while (hexVal(at(q)) >= 0) {
        mant = mant * 16n + BigInt(hexVal(at(q++)));
        e2 -= 4;
        any = true;
      }
    }
    if (!any) return { value: sign * 0, end: p + 1 }; // just the "0"
    if ((at(q) | 0x20) === 0x70) {
      let r = q + 1;
      let esign = 1;
      if (at(r) === 0x2d) {
        esign = -1;
        r++;
      } else if (at(r) === 0x2b) r++;
      if (isDigit(at(r))) {
        let ev = 0;
        while (isDigit(at(r))) {
          if (ev < 1e6) ev = ev * 10 + (at(r) - 0x30);
          r++;
        }
        e2 += esign * ev;
        q = r;
      }
    }
    const v = mant === 0n ? 0 : scaleBinary(mant, e2);
    return { value: sign * v, end: q };
  }
  // decimal
  const numStart = p;
  let q = p;
  let digits = 0;
  while (isDigit(at(q))) {
    q++;
    digits++;
  }
  if (at(q) === 0x2e) {
    q++;
    while (isDigit(at(q))) {
      q++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start };
  if ((at(q) | 0x20) === 0x65) {
    let r = q + 1;
    if (at(r) === 0x2d || at(r) === 0x2b) r++;
    if (isDigit(at(r))) {
      while (isDigit(at(r))) r++;
      q = r;
    }
  }
  let text = bytesToLatin1(b, numStart, q);
  if (text.startsWith('.')) text = '0' + text;
  text = text.replace(/\.(?=[eE]|$)/, '');
  return { value: sign * Number(text), end: q };
}
