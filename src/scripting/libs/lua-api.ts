/**
 * Shared glue for the Redis Lua C libraries (cjson, cmsgpack, bit, struct)
 * re-implemented on fengari: Lua 5.1 auxiliary-library semantics (argument
 * errors, number/string coercions, the 8000-slot C stack limit) expressed
 * with fengari's 5.3 API. The C number formatting/parsing they rely on lives in
 * src/util/float.ts (and Lua's luaO_str2d in ../lua51/numbers.ts); re-exported here.
 */
// @ts-ignore fengari ships no type declarations
import fengari from 'fengari';
import { formatG } from '../../util/float.js';
import { castInt64Num } from '../../util/ccast.js';
import { str2number51 } from '../lua51/numbers.js';

export { formatG, strtod, isCSpace as isSpace } from '../../util/float.js';
export { str2number51 } from '../lua51/numbers.js';

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

export function isNumber51(L: LuaState, idx: number): boolean {
  return toNumber51(L, idx) !== null;
}

/** (lua_Integer)d on x86-64: truncation, INT64_MIN when out of range. */
export const toInt64: (d: number) => number = castInt64Num;

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
