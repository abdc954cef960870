/**
 * LuaBitOp 1.0.2 ("bit") as embedded in Redis: 32-bit operations on Lua 5.1
 * numbers. Arguments are normalised like the C library does, by adding
 * 2^52+2^51 and taking the low 32 bits of the double's bit pattern, so
 * fractional, huge and negative inputs give the same results as Redis.
 */
import { lua, type LuaState, toNumber51, typeError, pushBytes } from './lua-api.js';

const view = new DataView(new ArrayBuffer(8));

/** Low 32 bits (unsigned) of the IEEE pattern of n + 2^52 + 2^51. */
export function normalizeBits(n: number): number {
  view.setFloat64(0, n + 6755399441055744.0, true);
  return view.getUint32(0, true);
}

function barg(L: LuaState, idx: number): number {
  const n = toNumber51(L, idx);
  const b = normalizeBits(n ?? 0);
  if (b === 0 && n === null) typeError(L, idx, 'number');
  return b;
}

/** Results are returned as signed 32-bit numbers. */
function bret(L: LuaState, b: number): number {
  lua.lua_pushnumber(L, b | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number) {
  return (L: LuaState): number => {
    let b = barg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) b = op(b, barg(L, i));
    return bret(L, b);
  };
}

function shift(op: (b: number, n: number) => number) {
  return (L: LuaState): number => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return bret(L, op(b, n));
  };
}

function tohex(L: LuaState): number {
  let b = barg(L, 1);
  let n = lua.lua_type(L, 2) === lua.LUA_TNONE ? 8 : barg(L, 2) | 0;
  let digits = '0123456789abcdef';
  if (n < 0) {
    n = -n | 0;
    digits = '0123456789ABCDEF';
  }
  // Redis's build treats the negated INT_MIN as larger than 8 too.
  if (n > 8 || n < 0) n = 8;
  const out: string[] = new Array(n);
  for (let i = n; --i >= 0; ) {
    out[i] = digits[b & 15];
    b >>>= 4;
  }
  pushBytes(L, out.join(''));
  return 1;
}

export const bitFunctions: Record<string, (L: LuaState) => number> = {
  tobit: (L) => bret(L, barg(L, 1)),
  bnot: (L) => bret(L, ~barg(L, 1)),
  band: fold((a, b) => a & b),
  bor: fold((a, b) => a | b),
  bxor: fold((a, b) => a ^ b),
  lshift: shift((b, n) => b << n),
  rshift: shift((b, n) => b >>> n),
  arshift: shift((b, n) => (b | 0) >> n),
  rol: shift((b, n) => (b << n) | (b >>> (32 - n))),
  ror: shift((b, n) => (b << (32 - n)) | (b >>> n)),
  bswap: (L) => {
    const b = barg(L, 1);
    return bret(L, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  },
  tohex,
};

/** Pushes the `bit` module table. */
export function pushBitLib(L: LuaState): void {
  lua.lua_createtable(L, 0, 12);
  for (const [name, fn] of Object.entries(bitFunctions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
