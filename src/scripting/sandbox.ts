/**
 * The sandboxed Lua state Redis 7.0.15 gives EVAL scripts and FUNCTION
 * libraries: Lua 5.1 numbers and libraries, read-only global and library
 * tables, and an error on reading a missing global.
 *
 * Read-only tables (Redis patches its Lua with a per-table readonly flag,
 * checked by the VM's table store, lua_rawset, lua_rawseti and
 * lua_setmetatable): we set `readonly` on fengari Table objects and wrap
 * ltable.luaH_setfrom / luaH_setint, which the VM and lapi call through the
 * module object. luaH_setint has no lua_State, so it throws a JS error that
 * the atnativeerror handler turns into the Lua error message.
 */
import { lua, lauxlib, internals, LuaState, pushBytes, lstr, luaToBytes, bytesToLua } from './lua-util.js';
import { installNumberSemantics, plainGotoName } from './lua51/numbers.js';
import { openLua51Libs, READONLY_MSG, ChunkValidator } from './lua51/stdlib.js';
import { installLimits, throwOutOfMemory } from './lua51/limits.js';
import { installYieldableCalls } from './coroutines.js';
import { createRequire } from 'node:module';

const { LUA_REGISTRYINDEX, LUA_TTABLE, LUA_RIDX_GLOBALS } = lua;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const llex: any = createRequire(import.meta.url)('fengari/src/llex.js');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ltm: any = createRequire(import.meta.url)('fengari/src/ltm.js');

/** Registry key holding the real globals of a 'function' state (as function_lua.c names it). */
export const GLOBALS_API_NAME = '__GLOBALS_API__';

class ReadonlyTableError extends Error {
  constructor() { super(READONLY_MSG); }
}

let readonlyInstalled = false;
function installReadonlyTables(): void {
  if (readonlyInstalled) return;
  readonlyInstalled = true;
  const { ltable, ldebug, defs } = internals;
  const setfrom = ltable.luaH_setfrom;
  const setint = ltable.luaH_setint;
  ltable.luaH_setfrom = (L: LuaState, t: { readonly?: boolean }, key: unknown, value: unknown) => {
    if (t.readonly) ldebug.luaG_runerror(L, defs.to_luastring(READONLY_MSG));
    return setfrom(L, t, key, value);
  };
  ltable.luaH_setint = (t: { readonly?: boolean }, key: number, value: unknown) => {
    if (t.readonly) throw new ReadonlyTableError();
    return setint(t, key, value);
  };
}

/**
 * Lua 5.3 compiles every global access as an index of the upvalue `_ENV`, so
 * a script could read, replace or shadow its environment. In 5.1 `_ENV` is an
 * ordinary name. fengari's lexer names that upvalue from the byte array
 * llex.LUA_ENV (ldebug compares against the same array to say "global"); we
 * rename it in place to a name no source can spell, so `_ENV` in a script is
 * a plain global (a nonexistent one) or local, exactly as in 5.1.
 */
let envRenamed = false;
function installPlainEnvName(): void {
  if (envRenamed) return;
  envRenamed = true;
  const envn = llex.LUA_ENV as Uint8Array;
  envn.set([0x28, 0x45, 0x29, 0x00].slice(0, envn.length)); // "(E)\0": not a Lua name
}

/**
 * 5.1's `#` ignores __len on tables (only userdata have it). fengari's
 * luaV_objlen asks ltm.fasttm (through the module object) for a table's
 * __len and nothing else does, so that lookup answers "none".
 */
let lenPatched = false;
function installTableLen51(): void {
  if (lenPatched) return;
  lenPatched = true;
  const fasttm = ltm.fasttm;
  const TM_LEN = ltm.TMS.TM_LEN;
  ltm.fasttm = (L: LuaState, et: unknown, e: number) => (e === TM_LEN ? null : fasttm(L, et, e));
}

/** Set or clear the readonly flag of the table at idx (lua_enablereadonlytable). */
export function setReadonly(L: LuaState, idx: number, on: boolean): void {
  tableAt(L, idx).readonly = on;
}

/** lua_isreadonlytable. */
export function isReadonly(L: LuaState, idx: number): boolean {
  return !!tableAt(L, idx).readonly;
}

function tableAt(L: LuaState, idx: number): { readonly?: boolean } {
  if (lua.lua_type(L, idx) !== LUA_TTABLE) throw new TypeError('table expected');
  lua.lua_pushvalue(L, idx);
  const tv = L.stack[L.top - 1];
  lua.lua_pop(L, 1);
  return tv.value;
}

/** The fengari table object at a negative stack index (for flipping its readonly flag). */
export function tableObjectAt(L: LuaState, idx: number): { readonly?: boolean } {
  const tv = L.stack[L.top + idx];
  if (idx >= 0 || tv === undefined || tv.type !== LUA_TTABLE) throw new TypeError('table expected');
  return tv.value;
}

/** Metatable whose __index raises Redis's nonexistent-global error (luaSetErrorMetatable). */
export function setErrorMetatable(L: LuaState, idx: number): void {
  idx = lua.lua_absindex(L, idx);
  lua.lua_newtable(L);
  lua.lua_pushcfunction(L, (L2: LuaState) => {
    if (lua.lua_gettop(L2) !== 2) lauxlib.luaL_error(L2, lstr('Wrong number of arguments to luaProtectedTableError'));
    const t = lua.lua_type(L2, -1);
    if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) {
      lauxlib.luaL_error(L2, lstr('Second argument to luaProtectedTableError must be a string or number'));
    }
    const name = luaToBytes(lua.lua_tolstring(L2, -1));
    return lauxlib.luaL_error(L2, lstr('Script attempted to access nonexistent global variable \'%s\''), bytesToLua(plainGotoName(name)));
  });
  lua.lua_setfield(L, -2, lstr('__index'));
  lua.lua_setmetatable(L, idx);
}

/** luaSetTableProtectionRecursively: readonly on the table, nested tables and metatables. */
export function protectRecursively(L: LuaState, idx: number): void {
  idx = lua.lua_absindex(L, idx);
  if (isReadonly(L, idx)) return;
  setReadonly(L, idx, true);
  lua.lua_checkstack(L, 3);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx)) {
    if (lua.lua_type(L, -1) === LUA_TTABLE) protectRecursively(L, -1);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, idx)) {
    protectRecursively(L, -1);
    lua.lua_pop(L, 1);
  }
}

/** A JS RangeError from exhausting the JS call stack. */
const isJsStackOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(e.message);
/** A JS RangeError from an allocation too large for V8 (string, array, buffer). */
const isJsAllocFailure = (e: unknown): boolean =>
  e instanceof RangeError && /(allocation|Invalid (typed )?array length|Invalid string length|maximum size)/i.test(e.message);

/**
 * Turn a JS exception escaping a C function into a Lua error value, as the
 * matching C failure would in Redis's Lua 5.1: out of JS stack is 5.1's
 * "C stack overflow" (the C stack is what JS recursion stands for), a failed
 * JS allocation is the memory error. Like luaG_runerror, the message gets the
 * chunk:line prefix when the code that failed was a Lua function.
 */
function nativeErrorToLua(L: LuaState): number {
  const e = lua.lua_touserdata(L, 1);
  let msg: string;
  if (e instanceof ReadonlyTableError) msg = READONLY_MSG;
  else if (isJsStackOverflow(e)) msg = 'C stack overflow';
  else if (isJsAllocFailure(e)) return throwOutOfMemory(L);
  else if (e instanceof Error) msg = e.message;
  else msg = String(e);
  // level 0 is this handler; level 1 is the function that was running at the throw
  lauxlib.luaL_where(L, 1);
  pushBytes(L, msg);
  lua.lua_concat(L, 2);
  return 1;
}

export interface SandboxOptions {
  /** Register extra globals/libraries (cjson, redis, ...) before the globals are locked. */
  beforeLock?: (L: LuaState) => void;
  /** 5.1 syntax gate for load/loadstring. */
  validateChunk?: ChunkValidator;
}

/**
 * A fresh Lua state configured like Redis 7.0.15's scripting engine.
 * 'eval': globals are the locked global table itself.
 * 'function': globals are an empty locked table whose locked metatable's
 * __index is the real (locked) globals, kept in the registry under
 * GLOBALS_API_NAME, as function_lua.c sets it up.
 */
export function createSandboxState(kind: 'eval' | 'function', opts: SandboxOptions = {}): LuaState {
  installNumberSemantics();
  installReadonlyTables();
  installPlainEnvName();
  installTableLen51();
  installLimits();
  const L = lauxlib.luaL_newstate();
  if (!L) throw new Error('cannot create Lua state');
  lua.lua_atnativeerror(L, nativeErrorToLua);
  openLua51Libs(L, opts.validateChunk);
  installYieldableCalls(L);
  opts.beforeLock?.(L);

  lua.lua_pushglobaltable(L);
  setErrorMetatable(L, -1);
  protectRecursively(L, -1);
  // the string metatable is reachable only via getmetatable(''); Redis protects it too
  pushBytes(L, '');
  if (lua.lua_getmetatable(L, -1)) { protectRecursively(L, -1); lua.lua_pop(L, 1); }
  lua.lua_pop(L, 1);

  if (kind === 'function') {
    lua.lua_setfield(L, LUA_REGISTRYINDEX, lstr(GLOBALS_API_NAME));
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_getfield(L, LUA_REGISTRYINDEX, lstr(GLOBALS_API_NAME));
    lua.lua_setfield(L, -2, lstr('__index'));
    setReadonly(L, -1, true);
    lua.lua_setmetatable(L, -2);
    setReadonly(L, -1, true);
    lua.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  } else {
    lua.lua_pop(L, 1);
  }
  return L;
}

/**
 * Compile and run a chunk, returning [ok, value-as-bytes] for the first result
 * (tostring'd by Lua's own rules only if it is a string or number).
 * A small convenience for tests and diagnostics.
 */
export function runChunk(L: LuaState, code: string, chunkName = '@user_script'): { ok: boolean; value: string | null } {
  const top = lua.lua_gettop(L);
  const buf = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) buf[i] = code.charCodeAt(i);
  let st = lauxlib.luaL_loadbuffer(L, buf, buf.length, lstr(chunkName));
  if (st === lua.LUA_OK) st = lua.lua_pcall(L, 0, 1, 0);
  const v: Uint8Array | null = lua.lua_tolstring(L, -1);
  lua.lua_settop(L, top);
  return { ok: st === lua.LUA_OK, value: v === null ? null : luaToBytes(v) };
}
