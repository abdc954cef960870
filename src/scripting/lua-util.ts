/**
 * Thin typed access to fengari plus byte-string helpers.
 *
 * fengari ships no type declarations, so it is loaded through createRequire and
 * typed loosely here; every other scripting module imports it from this file.
 * Redis byte strings are JS strings with one char per byte; Lua strings in
 * fengari are Uint8Arrays. The helpers below convert between the two without
 * any text decoding (lua_tojsstring would decode UTF-8 and is not binary-safe).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
export type LuaState = any;
export type LuaCFunction = (L: LuaState) => number;

export const fengari: any = require('fengari');
export const lua: any = fengari.lua;
export const lauxlib: any = fengari.lauxlib;
export const lualib: any = fengari.lualib;

/** fengari internals, for the seams documented in lua51/numbers.ts and sandbox.ts. */
export const internals = {
  lobject: require('fengari/src/lobject.js') as any,
  lvm: require('fengari/src/lvm.js') as any,
  ltable: require('fengari/src/ltable.js') as any,
  ldebug: require('fengari/src/ldebug.js') as any,
  ldo: require('fengari/src/ldo.js') as any,
  defs: require('fengari/src/defs.js') as any,
  lstring: require('fengari/src/lstring.js') as any,
  lapi: require('fengari/src/lapi.js') as any,
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Byte string (one char per byte) -> fengari Lua string. */
export function bytesToLua(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

// Node's native latin1 decoder accepts any Uint8Array and maps each byte to
// the char with that code: exactly a byte string. Fall back to a JS loop if a
// runtime lacks it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const latin1Slice: ((this: Uint8Array, start: number, end: number) => string) | undefined = (Buffer.prototype as any).latin1Slice;
const nativeLatin1 = (() => {
  try {
    return latin1Slice !== undefined && latin1Slice.call(new Uint8Array([0, 65, 255]), 0, 3) === '\u0000A\u00ff';
  } catch {
    return false;
  }
})();

/** fengari Lua string -> byte string. */
export function luaToBytes(u: Uint8Array): string {
  if (nativeLatin1) return u.length === 0 ? '' : latin1Slice!.call(u, 0, u.length);
  let s = '';
  const CH = 8192;
  for (let i = 0; i < u.length; i += CH) {
    s += String.fromCharCode.apply(null, u.subarray(i, i + CH) as unknown as number[]);
  }
  return s;
}

/*
 * Short strings pushed from the host (KEYS/ARGV items, command replies,
 * field names) repeat a lot. fengari makes two copies and a fresh TString per
 * push, and every fresh TString later recomputes its table-key hash. Lua
 * strings are immutable values, so equal strings may share one TString: keep
 * the recent short ones. Each also carries its byte string (BYTES), so
 * reading it back costs nothing.
 */
const INTERN_MAX_LEN = 64;
const INTERN_MAX_ENTRIES = 4096;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const interned = new Map<string, any>();
const BYTES = 'rsb';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function internedTString(s: string): any {
  let ts = interned.get(s);
  if (ts === undefined) {
    if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
    ts = internals.lstring.luaS_bless(null, bytesToLua(s));
    ts[BYTES] = s;
    interned.set(s, ts);
  }
  return ts;
}

/** Push a byte string as a Lua string. */
export function pushBytes(L: LuaState, s: string): void {
  if (s.length <= INTERN_MAX_LEN) {
    internals.lobject.pushsvalue2s(L, internedTString(s));
    return;
  }
  lua.lua_pushlstring(L, bytesToLua(s), s.length);
}

/**
 * The byte string of the Lua string value at stack index idx (a positive or
 * negative stack index, not a pseudo-index) without converting numbers: null
 * when the value is not a string.
 */
export function stringBytesAt(L: LuaState, idx: number): string | null {
  const at = idx > 0 ? L.ci.funcOff + idx : L.top + idx;
  if (at >= L.top) return null;
  const o = L.stack[at];
  if (o === undefined || !o.ttisstring()) return null;
  const ts = o.value;
  let b: string | undefined = ts[BYTES];
  if (b === undefined) {
    b = luaToBytes(ts.realstring);
    ts[BYTES] = b;
  }
  return b;
}

/**
 * Read the string (or number, converted in place like lua_tolstring) at idx as
 * a byte string; null when the value is neither.
 */
export function toBytes(L: LuaState, idx: number): string | null {
  const u: Uint8Array | null = lua.lua_tolstring(L, idx);
  if (u === null) return null;
  if (idx > lua.LUA_REGISTRYINDEX) return stringBytesAt(L, idx) ?? luaToBytes(u);
  return luaToBytes(u);
}

/** luaL_checklstring as a byte string (raises the usual Lua argument error). */
export function checkBytes(L: LuaState, arg: number): string {
  return luaToBytes(lauxlib.luaL_checklstring(L, arg));
}

/** Push a number the way Lua 5.1 holds it: always a double. */
export function pushNumber51(L: LuaState, n: number): void {
  lua.lua_pushnumber(L, n);
}

/** Push a JS text literal (ASCII/UTF-8) as a Lua string. */
export function pushText(L: LuaState, s: string): void {
  lua.lua_pushstring(L, fengari.to_luastring(s));
}

/** Lua string literal for API calls that take names (lua_setfield, ...). */
export function lstr(s: string): Uint8Array {
  return fengari.to_luastring(s, true);
}

/** Raise a Lua error with a byte-string message (luaL_error adds position info). */
export function raiseError(L: LuaState, msg: string): never {
  lauxlib.luaL_error(L, bytesToLua(msg.replace(/%/g, '%%')));
  throw new Error('unreachable');
}

/** Raise a Lua error whose value is exactly msg (no position prefix). */
export function raiseRaw(L: LuaState, msg: string): never {
  pushBytes(L, msg);
  lua.lua_error(L);
  throw new Error('unreachable');
}
