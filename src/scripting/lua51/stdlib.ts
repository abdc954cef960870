/**
 * Lua 5.1 standard library surface as Redis 7.0.15 exposes it, built from
 * fengari's 5.3 libraries: members 5.1 lacks are removed, 5.1-only members are
 * added, and functions whose 5.1 behaviour differs are replaced.
 */
import {
  lua, lauxlib, lualib, LuaState, LuaCFunction,
  pushBytes, checkBytes, lstr, luaToBytes, bytesToLua,
} from '../lua-util.js';
import { fmtNumber14, str2number51, strtoul, toInt51 } from './numbers.js';
import { formatFloat, formatInt, padText, toInt64, toUint64, toInt32Direct, Spec } from './cformat.js';
import { stringFuncs51, MAX_STRING_BYTES } from './strlib.js';
import { tableFuncs51, unpack51 } from './tablib.js';
import { cstr } from '../../util/bytes.js';
import { yieldableCFunction } from '../coroutines.js';

const {
  LUA_TNIL, LUA_TNUMBER, LUA_TBOOLEAN, LUA_TSTRING, LUA_TTABLE, LUA_TFUNCTION,
  LUA_REGISTRYINDEX, LUA_OK,
} = lua;

export { MAX_STRING_BYTES };

/** Optional 5.1 syntax gate applied by load/loadstring (set by the sandbox). */
export type ChunkValidator = (source: string, chunkName: string) => string | null;

function argError(L: LuaState, arg: number, msg: string): never {
  lauxlib.luaL_argerror(L, arg, lstr(msg));
  throw new Error('unreachable');
}

function error(L: LuaState, msg: string): never {
  lauxlib.luaL_error(L, bytesToLua(msg.replace(/%/g, '%%')));
  throw new Error('unreachable');
}

const checkNumber = (L: LuaState, i: number): number => lauxlib.luaL_checknumber(L, i);
/** luaL_checkint: (int)(lua_Integer)d. */
const checkInt = (L: LuaState, i: number): number => toInt51(checkNumber(L, i));
const optInt = (L: LuaState, i: number, d: number): number =>
  lua.lua_isnoneornil(L, i) ? d : checkInt(L, i);

function setFuncs(L: LuaState, funcs: Record<string, LuaCFunction>): void {
  for (const [k, f] of Object.entries(funcs)) {
    lua.lua_pushcfunction(L, f);
    lua.lua_setfield(L, -2, lstr(k));
  }
}

function removeFields(L: LuaState, names: string[]): void {
  for (const k of names) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, lstr(k));
  }
}

/* ---------------- addresses for tostring("%p") ---------------- */

const ids = new WeakMap<object, number>();
let nextId = 0;
/** A stable fake address per object, shaped like a 64-bit heap pointer. */
export function addressOf(p: unknown): string {
  if (p === null || (typeof p !== 'object' && typeof p !== 'function')) return '0x0';
  let id = ids.get(p as object);
  if (id === undefined) { id = ++nextId; ids.set(p as object, id); }
  return '0x' + (0x7f3a12000000 + id * 0x40).toString(16);
}

/** 5.1 tostring conversion of the value at idx, pushed on the stack. */
export function pushToString51(L: LuaState, idx: number): void {
  idx = lua.lua_absindex(L, idx);
  if (lauxlib.luaL_callmeta(L, idx, lstr('__tostring'))) return;
  switch (lua.lua_type(L, idx)) {
    case LUA_TNUMBER: pushBytes(L, fmtNumber14(lua.lua_tonumber(L, idx))); return;
    case LUA_TSTRING: lua.lua_pushvalue(L, idx); return;
    case LUA_TBOOLEAN: pushBytes(L, lua.lua_toboolean(L, idx) ? 'true' : 'false'); return;
    case LUA_TNIL: pushBytes(L, 'nil'); return;
    default: {
      const tn = luaToBytes(lua.lua_typename(L, lua.lua_type(L, idx)));
      pushBytes(L, `${tn}: ${addressOf(lua.lua_topointer(L, idx))}`);
    }
  }
}

/**
 * Redis's error handler (__redis__err__handler for EVAL, the registry one
 * for functions): a non-table error becomes {err='ERR '..tostring(e)}, and
 * the source and line of the caller (the caller's caller when that is a C
 * function) are written into the table.
 */
export function redisErrHandler(L: LuaState): number {
  lua.lua_settop(L, 1);
  let ar = new lua.lua_Debug();
  let have = lua.lua_getstack(L, 1, ar) && lua.lua_getinfo(L, lstr('nSl'), ar);
  if (have && luaToBytes(ar.what) === 'C') {
    ar = new lua.lua_Debug();
    have = lua.lua_getstack(L, 2, ar) && lua.lua_getinfo(L, lstr('nSl'), ar);
  }
  if (lua.lua_type(L, 1) !== LUA_TTABLE) {
    lua.lua_newtable(L);
    pushToString51(L, 1);
    pushBytes(L, 'ERR ' + luaToBytes(lua.lua_tolstring(L, -1)));
    lua.lua_remove(L, -2);
    lua.lua_setfield(L, -2, lstr('err'));
    lua.lua_replace(L, 1);
  }
  if (have) {
    lua.lua_pushstring(L, ar.source);
    lua.lua_setfield(L, 1, lstr('source'));
    lua.lua_pushnumber(L, ar.currentline);
    lua.lua_setfield(L, 1, lstr('line'));
  }
  return 1;
}

const CIST_YPCALL = 1 << 4;
/**
 * True when L runs directly under the script's error handler: it is the run
 * thread and no pcall/xpcall is active on it. Redis runs scripts with
 * lua_pcall(..., errfunc = that handler), and 5.1's protected parser passes
 * runtime errors (a failing load reader) through the current errfunc.
 */
function underScriptErrHandler(L: LuaState): boolean {
  lua.lua_getfield(L, LUA_REGISTRYINDEX, lstr(RUN_THREAD_KEY));
  const run = lua.lua_tothread(L, -1);
  lua.lua_pop(L, 1);
  if (run !== L) return false;
  for (let ci = L.ci; ci; ci = ci.previous) if (ci.callstatus & CIST_YPCALL) return false;
  return true;
}

/** The error value on top as the current errfunc would leave it (see underScriptErrHandler). */
function throughErrHandler(L: LuaState): void {
  if (!underScriptErrHandler(L)) return;
  lua.lua_pushcfunction(L, redisErrHandler);
  lua.lua_insert(L, -2);
  lua.lua_call(L, 1, 1);
}

/* ---------------- base library ---------------- */

function makeBase(validate: ChunkValidator | undefined): Record<string, LuaCFunction> {
  const loadChunk = (L: LuaState, src: Uint8Array, chunkName: Uint8Array): number => {
    if (validate) {
      const err = validate(luaToBytes(src), luaToBytes(chunkName));
      if (err !== null) { lua.lua_pushnil(L); pushBytes(L, err); return 2; }
    }
    const st = lauxlib.luaL_loadbuffer(L, src, src.length, chunkName);
    if (st === LUA_OK) return 1;
    lua.lua_pushnil(L);
    lua.lua_insert(L, -2);
    return 2;
  };
  return {
    // __tostring runs through a yieldable call (coroutines.ts)
    tostring: yieldableCFunction(function* tostringBody(L) {
      lauxlib.luaL_checkany(L, 1);
      if (lauxlib.luaL_getmetafield(L, 1, lstr('__tostring')) !== LUA_TNIL) {
        lua.lua_pushvalue(L, 1);
        yield { nargs: 1, nresults: 1 };
        return 1;
      }
      pushToString51(L, 1);
      return 1;
    }),
    tonumber(L) {
      const base = optInt(L, 2, 10);
      if (base === 10) {
        lauxlib.luaL_checkany(L, 1);
        if (lua.lua_type(L, 1) === LUA_TNUMBER) { lua.lua_pushnumber(L, lua.lua_tonumber(L, 1)); return 1; }
        if (lua.lua_type(L, 1) === LUA_TSTRING) {
          const n = str2number51(lua.lua_tolstring(L, 1));
          if (n !== null) { lua.lua_pushnumber(L, n); return 1; }
        }
      } else {
        const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
        if (!(base >= 2 && base <= 36)) argError(L, 2, 'base out of range');
        let len = s.indexOf(0);
        if (len < 0) len = s.length;
        const r = strtoul(s.subarray(0, len), base);
        if (r.end !== 0) {
          let e = r.end;
          while (e < len && (s[e] === 32 || (s[e] >= 9 && s[e] <= 13))) e++;
          if (e === len) { lua.lua_pushnumber(L, Number(r.n)); return 1; }
        }
      }
      lua.lua_pushnil(L);
      return 1;
    },
    error(L) {
      const level = optInt(L, 2, 1);
      lua.lua_settop(L, 1);
      if ((lua.lua_type(L, 1) === LUA_TSTRING || lua.lua_type(L, 1) === LUA_TNUMBER) && level > 0) {
        lauxlib.luaL_where(L, level);
        lua.lua_pushvalue(L, 1);
        lua.lua_concat(L, 2);
      }
      return lua.lua_error(L);
    },
    assert(L) {
      lauxlib.luaL_checkany(L, 1);
      if (!lua.lua_toboolean(L, 1)) {
        const msg = lua.lua_isnoneornil(L, 2) ? 'assertion failed!' : checkBytes(L, 2);
        error(L, msg);
      }
      return lua.lua_gettop(L);
    },
    ipairs(L) {
      lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
      lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
      lua.lua_pushvalue(L, 1);
      lua.lua_pushnumber(L, 0);
      return 3;
    },
    pairs(L) {
      lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
      lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
      lua.lua_pushvalue(L, 1);
      lua.lua_pushnil(L);
      return 3;
    },
    select(L) {
      const n = lua.lua_gettop(L);
      if (lua.lua_type(L, 1) === LUA_TSTRING && lua.lua_tolstring(L, 1)[0] === 35 /* # */) {
        lua.lua_pushnumber(L, n - 1);
        return 1;
      }
      let i = checkInt(L, 1);
      if (i < 0) i = n + i; else if (i > n) i = n;
      if (i < 1) argError(L, 1, 'index out of range');
      return n - i;
    },
    setmetatable(L) {
      const t = lua.lua_type(L, 2);
      lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
      if (!(t === LUA_TNIL || t === LUA_TTABLE)) argError(L, 2, 'nil or table expected');
      if (lauxlib.luaL_getmetafield(L, 1, lstr('__metatable')) !== LUA_TNIL) error(L, 'cannot change a protected metatable');
      lua.lua_settop(L, 2);
      if (isReadonlyAt(L, 1)) { pushBytes(L, READONLY_MSG); return lua.lua_error(L); }
      lua.lua_setmetatable(L, 1);
      return 1;
    },
    unpack: unpack51,
    loadstring(L) {
      const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
      const name: Uint8Array = lua.lua_isnoneornil(L, 2) ? s : lauxlib.luaL_checklstring(L, 2);
      return loadChunk(L, s, name);
    },
    // the reader runs through a yieldable pcall (coroutines.ts); 5.1 parses
    // in protected mode, so a failing reader makes load return nil, message
    load: yieldableCFunction(function* loadBody(L) {
      lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
      const name: Uint8Array = lua.lua_isnoneornil(L, 2) ? lstr('=(load)') : lauxlib.luaL_checklstring(L, 2);
      lua.lua_settop(L, 2);
      // collect the pieces first so the validator sees the whole source
      const parts: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        lua.lua_pushvalue(L, 1);
        const st = yield { nargs: 0, nresults: 1, protect: true };
        if (st !== LUA_OK) {
          if (st !== lua.LUA_ERRMEM) throughErrHandler(L);
          lua.lua_pushnil(L);
          lua.lua_insert(L, -2);
          return 2;
        }
        if (lua.lua_isnil(L, -1)) { lua.lua_pop(L, 1); break; }
        if (lua.lua_type(L, -1) !== LUA_TSTRING && lua.lua_type(L, -1) !== LUA_TNUMBER) {
          lua.lua_settop(L, 2);
          lua.lua_pushnil(L);
          lauxlib.luaL_where(L, 1);
          pushBytes(L, 'reader function must return a string');
          lua.lua_concat(L, 2);
          throughErrHandler(L);
          return 2;
        }
        const piece: Uint8Array = lua.lua_tolstring(L, -1);
        lua.lua_pop(L, 1);
        if (piece.length === 0) break;
        parts.push(piece.slice());
        total += piece.length;
        if (total > MAX_STRING_BYTES) error(L, 'not enough memory');
      }
      const src = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { src.set(p, o); o += p.length; }
      return loadChunk(L, src, name);
    }),
    gcinfo(L) {
      lua.lua_pushnumber(L, Math.floor(heapKb()));
      return 1;
    },
    collectgarbage(L) {
      const opts = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
      const o = lauxlib.luaL_checkoption(L, 1, lstr('collect'), opts.map((x) => lstr(x)));
      const arg = optInt(L, 2, 0);
      switch (opts[o]) {
        case 'count': lua.lua_pushnumber(L, heapKb()); return 1;
        case 'step': lua.lua_pushboolean(L, false); return 1;
        case 'setpause': { const g = gcParamsOf(L); const prev = g.pause; g.pause = arg; lua.lua_pushnumber(L, prev); return 1; }
        case 'setstepmul': { const g = gcParamsOf(L); const prev = g.stepmul; g.stepmul = arg; lua.lua_pushnumber(L, prev); return 1; }
        default: lua.lua_pushnumber(L, 0); return 1;
      }
    },
  };
}

/** GC parameters belong to a Lua state (SCRIPT FLUSH makes a new one with the defaults). */
const gcParams = new WeakMap<object, { pause: number; stepmul: number }>();
function gcParamsOf(L: LuaState): { pause: number; stepmul: number } {
  let g = gcParams.get(L.l_G);
  if (!g) { g = { pause: 200, stepmul: 200 }; gcParams.set(L.l_G, g); }
  return g;
}
/** Approximate Lua heap size in KB (collectgarbage('count') only needs a plausible positive number). */
function heapKb(): number {
  return process.memoryUsage().heapUsed / 1024 / 16;
}

/* ---------------- readonly tables (shared with sandbox.ts) ---------------- */

export const READONLY_MSG = 'Attempt to modify a readonly table';

function isReadonlyAt(L: LuaState, idx: number): boolean {
  const tv = L.stack[lua.lua_absindex(L, idx) + L.ci.funcOff];
  return !!(tv && tv.value && tv.value.readonly);
}

/* ---------------- string library ---------------- */

const FLAGS = '-+ #0';

function strFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  const fmt = checkBytes(L, 1);
  let arg = 1;
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i++];
    if (ch !== '%') { out += ch; continue; }
    if (fmt[i] === '%') { out += '%'; i++; continue; }
    // scan the spec: flags, up to 2 width digits, '.', up to 2 precision digits
    const start = i;
    while (i < fmt.length && FLAGS.includes(fmt[i])) i++;
    if (i - start > FLAGS.length) error(L, 'invalid format (repeated flags)');
    const flags = fmt.slice(start, i);
    let w = '';
    if (isDig(fmt[i])) w += fmt[i++];
    if (isDig(fmt[i])) w += fmt[i++];
    let p = '';
    let hasP = false;
    if (fmt[i] === '.') {
      hasP = true; i++;
      if (isDig(fmt[i])) p += fmt[i++];
      if (isDig(fmt[i])) p += fmt[i++];
    }
    if (isDig(fmt[i])) error(L, 'invalid format (width or precision too long)');
    const conv = fmt[i++] ?? '';
    const spec: Spec = { flags, width: w ? Number(w) : 0, precision: hasP ? Number(p || '0') : -1, conv };
    if (++arg > top) argError(L, arg, 'no value');
    switch (conv) {
      // 5.1 sprintfs these into a buffer and appends strlen(buff) bytes: a NUL ends the piece
      case 'c': out += cstr(padText(String.fromCharCode(toInt32Direct(checkNumber(L, arg)) & 0xff), spec)); break;
      case 'd': case 'i': out += formatInt(toInt64(checkNumber(L, arg)), spec); break;
      case 'o': case 'u': case 'x': case 'X': out += formatInt(toUint64(checkNumber(L, arg)), spec); break;
      case 'e': case 'E': case 'f': case 'g': case 'G': out += formatFloat(checkNumber(L, arg), spec); break;
      case 'q': out += quoted(checkBytes(L, arg)); break;
      case 's': {
        let s = checkBytes(L, arg);
        // a long string without precision is appended whole; others go through sprintf
        if (spec.precision < 0 && s.length >= 100) { out += s; break; }
        s = cstr(s);
        if (spec.precision >= 0) s = s.slice(0, spec.precision);
        out += padText(s, spec);
        break;
      }
      default:
        error(L, `invalid option '%${conv}' to 'format'`);
    }
    if (out.length > MAX_STRING_BYTES) error(L, 'not enough memory');
  }
  pushBytes(L, out);
  return 1;
}

function isDig(c: string | undefined): boolean { return c !== undefined && c >= '0' && c <= '9'; }

/** %q as 5.1 writes it: only ", \\, newline, \r and NUL are escaped. */
function quoted(s: string): string {
  let r = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '\\' || c === '\n') r += '\\' + c;
    else if (c === '\r') r += '\\r';
    else if (c === '\0') r += '\\000';
    else r += c;
  }
  return r + '"';
}

/* ---------------- math library ---------------- */

/** Redis's rand48 generator: process-wide state, like the server's static state. */
const rand48 = { x0: 0x330e, x1: 0xabcd, x2: 0x1234 };
const A = 0x5deece66dn;
const M48 = (1n << 48n) - 1n;

function redisLrand48(): number {
  let x = (BigInt(rand48.x2) << 32n) | (BigInt(rand48.x1) << 16n) | BigInt(rand48.x0);
  x = (x * A + 0xbn) & M48;
  rand48.x0 = Number(x & 0xffffn);
  rand48.x1 = Number((x >> 16n) & 0xffffn);
  rand48.x2 = Number((x >> 32n) & 0xffffn);
  return Number(x >> 17n) | 0;
}

/** redisSrand48 (math.randomseed). */
export function redisSrand48(seed: number): void {
  rand48.x0 = 0x330e;
  rand48.x1 = seed & 0xffff;
  rand48.x2 = (seed >>> 16) & 0xffff;
}

/** Restore the generator's start state (what a fresh redis-server has). */
export function resetRedisRand48(): void {
  rand48.x0 = 0x330e; rand48.x1 = 0xabcd; rand48.x2 = 0x1234;
}

const mathFuncs: Record<string, LuaCFunction> = {
  random(L) {
    const INT32_MAX = 2147483647;
    const r = (redisLrand48() % INT32_MAX) / INT32_MAX;
    switch (lua.lua_gettop(L)) {
      case 0: lua.lua_pushnumber(L, r); break;
      case 1: {
        const u = checkInt(L, 1);
        if (!(1 <= u)) argError(L, 1, 'interval is empty');
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
        break;
      }
      case 2: {
        const l = checkInt(L, 1);
        const u = checkInt(L, 2);
        if (!(l <= u)) argError(L, 2, 'interval is empty');
        lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
        break;
      }
      default: error(L, 'wrong number of arguments');
    }
    return 1;
  },
  randomseed(L) { redisSrand48(checkInt(L, 1)); return 0; },
  floor(L) { lua.lua_pushnumber(L, Math.floor(checkNumber(L, 1))); return 1; },
  ceil(L) { lua.lua_pushnumber(L, Math.ceil(checkNumber(L, 1))); return 1; },
  abs(L) { lua.lua_pushnumber(L, Math.abs(checkNumber(L, 1))); return 1; },
  fmod(L) { lua.lua_pushnumber(L, checkNumber(L, 1) % checkNumber(L, 2)); return 1; },
  pow(L) { lua.lua_pushnumber(L, Math.pow(checkNumber(L, 1), checkNumber(L, 2))); return 1; },
  log(L) { lua.lua_pushnumber(L, Math.log(checkNumber(L, 1))); return 1; },
  log10(L) { lua.lua_pushnumber(L, Math.log10(checkNumber(L, 1))); return 1; },
  exp(L) { lua.lua_pushnumber(L, Math.exp(checkNumber(L, 1))); return 1; },
  sqrt(L) { lua.lua_pushnumber(L, Math.sqrt(checkNumber(L, 1))); return 1; },
  cosh(L) { lua.lua_pushnumber(L, Math.cosh(checkNumber(L, 1))); return 1; },
  sinh(L) { lua.lua_pushnumber(L, Math.sinh(checkNumber(L, 1))); return 1; },
  tanh(L) { lua.lua_pushnumber(L, Math.tanh(checkNumber(L, 1))); return 1; },
  atan(L) { lua.lua_pushnumber(L, Math.atan(checkNumber(L, 1))); return 1; },
  atan2(L) { lua.lua_pushnumber(L, Math.atan2(checkNumber(L, 1), checkNumber(L, 2))); return 1; },
  deg(L) { lua.lua_pushnumber(L, checkNumber(L, 1) * (180 / Math.PI)); return 1; },
  rad(L) { lua.lua_pushnumber(L, checkNumber(L, 1) * (Math.PI / 180)); return 1; },
  ldexp(L) { lua.lua_pushnumber(L, ldexp(checkNumber(L, 1), checkInt(L, 2))); return 1; },
  frexp(L) {
    const [m, e] = frexp(checkNumber(L, 1));
    lua.lua_pushnumber(L, m);
    lua.lua_pushnumber(L, e);
    return 2;
  },
  modf(L) {
    const x = checkNumber(L, 1);
    const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
    lua.lua_pushnumber(L, ip);
    const fp = Number.isFinite(x) ? x - ip : (Number.isNaN(x) ? x : 0);
    // C modf: the fraction has the sign of x (modf(-1) gives -0)
    lua.lua_pushnumber(L, fp === 0 && (x < 0 || Object.is(x, -0)) ? -0 : fp);
    return 2;
  },
  max(L) {
    const n = lua.lua_gettop(L);
    let m = checkNumber(L, 1);
    for (let i = 2; i <= n; i++) { const d = checkNumber(L, i); if (d > m) m = d; }
    lua.lua_pushnumber(L, m);
    return 1;
  },
  min(L) {
    const n = lua.lua_gettop(L);
    let m = checkNumber(L, 1);
    for (let i = 2; i <= n; i++) { const d = checkNumber(L, i); if (d < m) m = d; }
    lua.lua_pushnumber(L, m);
    return 1;
  },
};

function ldexp(m: number, e: number): number {
  // scale in two steps so 2^e cannot overflow before the product is formed
  const h = Math.trunc(e / 2);
  return m * 2 ** h * 2 ** (e - h);
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = ldexp(x, -e);
  while (Math.abs(m) < 0.5) { m *= 2; e--; }
  while (Math.abs(m) >= 1) { m /= 2; e++; }
  return [m, e];
}

/* ---------------- coroutine ---------------- */

/** Registry slot of the thread that runs script bodies (engine.ts): Redis runs them on the main thread. */
export const RUN_THREAD_KEY = '__redsim_run_thread__';

function coRunning(L: LuaState): number {
  lua.lua_getfield(L, LUA_REGISTRYINDEX, lstr(RUN_THREAD_KEY));
  const run = lua.lua_tothread(L, -1);
  lua.lua_pop(L, 1);
  if (lua.lua_pushthread(L) || run === L) { lua.lua_pop(L, 1); lua.lua_pushnil(L); }
  return 1;
}

/* ---------------- assembly ---------------- */

function openFengariLib(L: LuaState, name: string, open: LuaCFunction): void {
  lauxlib.luaL_requiref(L, lstr(name), open, 1);
  lua.lua_pop(L, 1);
}

/**
 * Open base, table, string, math and coroutine with Redis 7.0.15's 5.1 member
 * lists. Leaves no io/os/package/debug/utf8 and no package.loaded table, so
 * argument errors name the function '?' unless the call site names it (as 5.1).
 * The 5.1 xpcall (and coroutine resume/wrap/yield) come from ../coroutines.ts.
 */
export function openLua51Libs(L: LuaState, validate?: ChunkValidator): void {
  openFengariLib(L, '_G', lualib.luaopen_base);
  openFengariLib(L, 'coroutine', lualib.luaopen_coroutine);
  openFengariLib(L, 'table', lualib.luaopen_table);
  openFengariLib(L, 'string', lualib.luaopen_string);
  openFengariLib(L, 'math', lualib.luaopen_math);

  lua.lua_pushglobaltable(L);
  removeFields(L, ['dofile', 'loadfile', 'print', 'rawlen', 'require']);
  setFuncs(L, makeBase(validate));
  // ipairs/pairs return their iterator from an upvalue, like 5.1's base lib
  lua.lua_getfield(L, -1, lstr('next'));
  lua.lua_pushcclosure(L, (L2: LuaState) => {
    const i = checkInt(L2, 2) + 1;
    lua.lua_pushnumber(L2, i);
    lua.lua_rawgeti(L2, 1, i);
    return lua.lua_isnil(L2, -1) ? 0 : 2;
  }, 0);
  lua.lua_pushcclosure(L, makeBase(validate).ipairs, 1);
  lua.lua_setfield(L, -3, lstr('ipairs'));
  lua.lua_pushcclosure(L, makeBase(validate).pairs, 1);
  lua.lua_setfield(L, -2, lstr('pairs'));
  pushBytes(L, 'Lua 5.1');
  lua.lua_setfield(L, -2, lstr('_VERSION'));

  lua.lua_getfield(L, -1, lstr('string'));
  removeFields(L, ['pack', 'packsize', 'unpack']);
  setFuncs(L, { ...stringFuncs51, format: strFormat });
  lua.lua_getfield(L, -1, lstr('gmatch'));
  lua.lua_setfield(L, -2, lstr('gfind'));
  lua.lua_pop(L, 1);

  lua.lua_getfield(L, -1, lstr('table'));
  removeFields(L, ['move', 'pack', 'unpack']);
  setFuncs(L, tableFuncs51);
  lua.lua_pop(L, 1);

  lua.lua_getfield(L, -1, lstr('math'));
  removeFields(L, ['maxinteger', 'mininteger', 'tointeger', 'type', 'ult']);
  setFuncs(L, mathFuncs);
  lua.lua_getfield(L, -1, lstr('fmod'));
  lua.lua_setfield(L, -2, lstr('mod'));
  lua.lua_pop(L, 1);

  lua.lua_getfield(L, -1, lstr('coroutine'));
  removeFields(L, ['isyieldable']);
  setFuncs(L, { running: coRunning });
  lua.lua_pop(L, 1);

  lua.lua_pop(L, 1); // globals

  lua.lua_pushnil(L);
  lua.lua_setfield(L, LUA_REGISTRYINDEX, lstr(lauxlib.LUA_LOADED_TABLE ? luaToBytes(lauxlib.LUA_LOADED_TABLE) : '_LOADED'));
}
