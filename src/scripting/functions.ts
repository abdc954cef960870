/**
 * FUNCTION libraries (Redis 7.0 functions.c + function_lua.c): one Lua state
 * per server for every library; FUNCTION LOAD runs the library body with a
 * globals view that only offers redis.register_function/log/version, FCALL
 * runs a registered callback with (KEYS, ARGV) tables.
 */
import type { RedSim } from '../server.js';
import type { Ctx } from '../context.js';
import type { Reply } from '../reply.js';
import { err, bulk, OK, NIL, int, array, map, set, status } from '../reply.js';
import { lua, lauxlib, LuaState, bytesToLua, luaToBytes, lstr, pushBytes } from './lua-util.js';
import { createSandboxState, setErrorMetatable, protectRecursively, setReadonly, GLOBALS_API_NAME } from './sandbox.js';
import { openRedisLibs } from './libs/index.js';
import { registerNext51, luaNext51 } from './lua51/table-order.js';
import { checkLua51Syntax, normalizeLua51Source } from './lua51/syntax.js';
import { ScriptEngine, newRunCtx, parseNumkeys, scriptingOf, runDurationMs, VIRTUAL_MS_PER_HOOK, HOOK_COUNT } from './engine.js';
import { registerRedisApi, registerLogAndVersion, pushErrorTable, pushStringArray } from './bridge.js';
import { parseLibraryMeta, SCRIPT_FLAG, SCRIPT_FLAG_NAMES } from './shebang.js';
import { globMatch } from '../util/glob.js';
import { crc64 } from '../util/crc64.js';
import { lzfCompress, lzfDecompress } from '../util/lzf.js';
import { fromUint8 } from '../util/bytes.js';

const LIBRARY_API_NAME = '__LIBRARY_API__';
/** FUNCTION LOAD gives the library body this long to register its functions. */
const LOAD_TIMEOUT_MS = 500;
/**
 * Lua 5.1 VM instructions Redis runs per millisecond, to turn the load
 * budget into an instruction count (measured: 40-100k/ms for Redis 7.0.15 on
 * the 2-core development machine; the low end, so nothing Redis loads is refused).
 */
const REDIS_LUA_INSTR_PER_MS = 40_000;
const NAME_ERR = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

export interface FunctionInfo { name: string; ref: number; desc: string | null; flags: number; lib: Library }
export interface Library { name: string; code: string; functions: Map<string, FunctionInfo> }

function validName(name: string): boolean {
  return name.length > 0 && /^[A-Za-z0-9_]+$/.test(name);
}

interface LoadCtx { lib: Library; startMs: number; startUs: number; hookCalls: number; timeoutMs: number }

export class FunctionLibs {
  readonly engine: ScriptEngine;
  readonly libraries = new Map<string, Library>();
  /** All functions, by lower-case name (FCALL names are case-insensitive). */
  readonly functions = new Map<string, FunctionInfo>();
  private loading: LoadCtx | null = null;

  constructor(readonly server: RedSim) {
    this.engine = new ScriptEngine(server, 'function', (engine) => {
      const L = createSandboxState('function', {
        validateChunk: checkLua51Syntax,
        beforeLock: (L2: LuaState) => {
          registerNext51(L2);
          openRedisLibs(L2);
          registerRedisApi(L2, engine);
        },
      });
      this.buildLibraryApi(L, engine);
      return L;
    });
  }

  /** The globals a library body sees while loading: only `redis` with register_function/log/version. */
  private buildLibraryApi(L: LuaState, engine: ScriptEngine): void {
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, 8);
    lua.lua_pushcfunction(L, (L2: LuaState) => this.registerFunction(L2));
    lua.lua_setfield(L, -2, lstr('register_function'));
    registerLogAndVersion(L, engine);
    setErrorMetatable(L, -1);
    lua.lua_setfield(L, -2, lstr('redis'));
    setErrorMetatable(L, -1);
    protectRecursively(L, -1);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr(LIBRARY_API_NAME));
  }

  /** Point the globals' __index at the library API (loading) or back at the real globals. */
  private setGlobalsView(L: LuaState, registryKey: string): void {
    lua.lua_pushglobaltable(L);
    lua.lua_getmetatable(L, -1);
    setReadonly(L, -1, false);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(registryKey));
    lua.lua_setfield(L, -2, lstr('__index'));
    setReadonly(L, -1, true);
    lua.lua_pop(L, 2);
  }

  /** redis.register_function(name, fn) / redis.register_function{...} */
  private registerFunction(L: LuaState): number {
    const lc = this.loading;
    if (!lc) {
      pushErrorTable(L, 'redis.register_function can only be called on FUNCTION LOAD command', false);
      return lua.lua_error(L);
    }
    const argc = lua.lua_gettop(L);
    let name: string | null = null;
    let desc: string | null = null;
    let ref = -1;
    let flags = 0;
    const fail = (msg: string): number => {
      if (ref >= 0) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
      pushErrorTable(L, msg, false);
      return lua.lua_error(L);
    };
    if (argc < 1 || argc > 2) return fail('wrong number of arguments to redis.register_function');
    if (argc === 2) {
      if (!lua.lua_isstring(L, 1)) return fail('first argument to redis.register_function must be a string');
      name = luaToBytes(lua.lua_tolstring(L, 1));
      if (!lua.lua_isfunction(L, 2)) return fail('second argument to redis.register_function must be a function');
      ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    } else {
      if (!lua.lua_istable(L, 1)) {
        return fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      lua.lua_pushnil(L);
      while (luaNext51(L, -2)) {
        if (!lua.lua_isstring(L, -2)) return fail('named argument key given to redis.register_function is not a string');
        const key = luaToBytes(lua.lua_tolstring(L, -2)).toLowerCase();
        if (key === 'function_name') {
          if (!lua.lua_isstring(L, -1)) return fail('function_name argument given to redis.register_function must be a string');
          name = luaToBytes(lua.lua_tolstring(L, -1));
        } else if (key === 'description') {
          if (!lua.lua_isstring(L, -1)) return fail('description argument given to redis.register_function must be a string');
          desc = luaToBytes(lua.lua_tolstring(L, -1));
        } else if (key === 'callback') {
          if (!lua.lua_isfunction(L, -1)) return fail('callback argument given to redis.register_function must be a function');
          if (ref >= 0) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
          ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
          continue;
        } else if (key === 'flags') {
          if (!lua.lua_istable(L, -1)) return fail('flags argument to redis.register_function must be a table representing function flags');
          const f = readFlags(L);
          if (f === null) return fail('unknown flag given');
          flags = f;
        } else {
          return fail('unknown argument given to redis.register_function');
        }
        lua.lua_pop(L, 1);
      }
      if (name === null) return fail('redis.register_function must get a function name argument');
      if (ref < 0) return fail('redis.register_function must get a callback argument');
    }
    if (!validName(name!)) return fail(NAME_ERR);
    if (lc.lib.functions.has(name!)) return fail('Function already exists in the library');
    lc.lib.functions.set(name!, { name: name!, ref, desc, flags, lib: lc.lib });
    return 0;
  }

  private freeLibrary(lib: Library): void {
    for (const f of lib.functions.values()) lauxlib.luaL_unref(this.engine.L, lua.LUA_REGISTRYINDEX, f.ref);
  }

  private unlink(lib: Library): void {
    for (const f of lib.functions.values()) this.functions.delete(f.name.toLowerCase());
    this.libraries.delete(lib.name);
  }

  private link(lib: Library): void {
    for (const f of lib.functions.values()) this.functions.set(f.name.toLowerCase(), f);
    this.libraries.set(lib.name, lib);
  }

  /** Run the library body and collect its functions (luaEngineCreate). */
  private compileLibrary(lib: Library, code: string, timeoutMs: number): string | null {
    const L = this.engine.L;
    const syntaxErr = checkLua51Syntax(code, '@user_function');
    if (syntaxErr !== null) return `Error compiling function: ${syntaxErr}`;
    const buf = bytesToLua(normalizeLua51Source(code));
    this.setGlobalsView(L, LIBRARY_API_NAME);
    try {
      if (lauxlib.luaL_loadbuffer(L, buf, buf.length, lstr('@user_function')) !== lua.LUA_OK) {
        const m = luaToBytes(lua.lua_tolstring(L, -1));
        lua.lua_pop(L, 1);
        return `Error compiling function: ${m}`;
      }
      const server = this.server;
      const lc: LoadCtx = { lib, startMs: server.clock.now(), startUs: server.clock.nowUs(), hookCalls: 0, timeoutMs };
      this.loading = lc;
      const hook = (L2: LuaState) => {
        lc.hookCalls++;
        // Redis's budget is 500 ms of its C Lua; fengari is many times slower,
        // so the budget is counted in VM instructions at Redis's pace (the
        // same on both clocks): bodies Redis loads in 60-165 ms pass.
        const elapsed = (lc.hookCalls * HOOK_COUNT) / REDIS_LUA_INSTR_PER_MS;
        if (lc.timeoutMs > 0 && elapsed > lc.timeoutMs) {
          lua.lua_sethook(L2, hook, lua.LUA_MASKLINE, 0);
          pushErrorTable(L2, 'FUNCTION LOAD timeout', false);
          lua.lua_error(L2);
        }
      };
      lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
      const st = lua.lua_pcall(L, 0, 0, 0);
      lua.lua_sethook(L, null, 0, 0);
      this.loading = null;
      if (st !== lua.LUA_OK) {
        let msg: string | null = null;
        if (lua.lua_isstring(L, -1)) msg = 'ERR ' + luaToBytes(lua.lua_tolstring(L, -1));
        else if (lua.lua_istable(L, -1)) {
          lua.lua_getfield(L, -1, lstr('err'));
          if (lua.lua_isstring(L, -1)) msg = luaToBytes(lua.lua_tolstring(L, -1));
          lua.lua_pop(L, 1);
        }
        lua.lua_pop(L, 1);
        return `Error registering functions: ${msg ?? 'ERR unknown error'}`;
      }
      return null;
    } finally {
      this.loading = null;
      this.setGlobalsView(L, GLOBALS_API_NAME);
    }
  }

  /**
   * functionsCreateWithLibraryCtx on the current libraries. Returns the
   * library name or the error text (without the ERR code).
   */
  create(payload: string, replace: boolean, timeoutMs = LOAD_TIMEOUT_MS): { name: string } | { err: string } {
    const md = parseLibraryMeta(payload);
    if (!md.ok) return { err: md.err };
    if (!validName(md.name)) return { err: NAME_ERR };
    if (md.engine.toLowerCase() !== 'lua') return { err: `Engine '${md.engine}' not found` };
    const old = this.libraries.get(md.name);
    if (old && !replace) return { err: `Library '${md.name}' already exists` };
    if (old) this.unlink(old);
    const lib: Library = { name: md.name, code: payload, functions: new Map() };
    const fail = (e: string) => {
      this.freeLibrary(lib);
      if (old) this.link(old);
      return { err: e };
    };
    const e = this.compileLibrary(lib, md.code, timeoutMs);
    if (e !== null) return fail(e);
    if (lib.functions.size === 0) return fail('No functions registered');
    for (const f of lib.functions.values()) {
      if (this.functions.has(f.name.toLowerCase())) return fail(`Function ${f.name} already exists`);
    }
    this.link(lib);
    if (old) this.freeLibrary(old);
    return { name: md.name };
  }

  deleteLibrary(lib: Library): void {
    this.unlink(lib);
    this.freeLibrary(lib);
  }

  clear(): void {
    for (const lib of this.libraries.values()) this.freeLibrary(lib);
    this.libraries.clear();
    this.functions.clear();
  }

  /** FCALL / FCALL_RO */
  fcall(ctx: Ctx, argv: string[], ro: boolean): Reply | Promise<Reply> {
    const fi = this.functions.get(argv[1].toLowerCase());
    if (!fi) return err('ERR Function not found');
    const numkeys = parseNumkeys(argv, 'ERR Bad number of keys provided');
    if (typeof numkeys !== 'number') return numkeys;
    const noWrites = (fi.flags & SCRIPT_FLAG.NO_WRITES) !== 0;
    if ((fi.flags & SCRIPT_FLAG.NO_CLUSTER) !== 0 && this.server.ext.cluster) {
      return err("ERR Can not run script on cluster, 'no-cluster' flag is set.");
    }
    if (!noWrites && ro) return err('ERR Can not execute a script with write flag using *_ro command.');
    const rc = newRunCtx(this.server, this.engine, ctx.client, argv, fi.name, false, ro || noWrites,
      (fi.flags & SCRIPT_FLAG.ALLOW_OOM) !== 0);
    rc.allowCrossSlot = (fi.flags & SCRIPT_FLAG.ALLOW_CROSS_SLOT) !== 0;
    const ref = fi.ref;
    return this.engine.execute(rc, (T) => {
      lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, ref);
      pushStringArray(T, argv, 3, 3 + numkeys);
      pushStringArray(T, argv, 3 + numkeys, argv.length);
      return 2;
    });
  }

  list(argv: string[]): Reply {
    let withCode = false;
    let pattern: string | null = null;
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (!withCode && a === 'withcode') { withCode = true; continue; }
      if (pattern === null && a === 'libraryname') {
        if (i >= argv.length - 1) return err('ERR library name argument was not given');
        pattern = argv[++i];
        continue;
      }
      return err(`ERR Unknown argument ${argv[i]}`);
    }
    const out: Reply[] = [];
    for (const lib of this.libraries.values()) {
      if (pattern !== null && !globMatch(pattern, lib.name, true)) continue;
      const fns: Reply[] = [];
      for (const f of lib.functions.values()) {
        const fl: Reply[] = [];
        for (const [s, bit] of SCRIPT_FLAG_NAMES) if (f.flags & bit) fl.push(status(s));
        fns.push(map([
          [bulk('name'), bulk(f.name)],
          [bulk('description'), f.desc === null ? NIL : bulk(f.desc)],
          [bulk('flags'), set(fl)],
        ]));
      }
      const entry: Array<[Reply, Reply]> = [
        [bulk('library_name'), bulk(lib.name)],
        [bulk('engine'), bulk('LUA')],
        [bulk('functions'), array(fns)],
      ];
      if (withCode) entry.push([bulk('library_code'), bulk(lib.code)]);
      out.push(map(entry));
    }
    return array(out);
  }

  stats(): Reply {
    const rc = scriptingOf(this.server).current;
    if (rc && rc.evalMode) return err('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    const running = rc
      ? map([
        [bulk('name'), bulk(rc.funcname)],
        [bulk('command'), array(rc.callerArgv.map((a) => bulk(a)))],
        [bulk('duration_ms'), int(runDurationMs(rc))],
      ])
      : NIL;
    return map([
      [bulk('running_script'), running],
      [bulk('engines'), map([[bulk('LUA'), map([
        [bulk('libraries_count'), int(this.libraries.size)],
        [bulk('functions_count'), int(this.functions.size)],
      ])]])],
    ]);
  }

  dump(): Reply {
    return bulk(dumpLibraries([...this.libraries.values()].map((l) => l.code)));
  }

  restore(argv: string[]): Reply {
    let policy = 'append';
    if (argv.length === 4) {
      policy = argv[3].toLowerCase();
      if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') {
        return err('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      }
    }
    const parsed = parseDump(argv[2]);
    if ('err' in parsed) return err('ERR ' + parsed.err);
    // Build the restored set on its own first (rdbFunctionLoad into a fresh ctx).
    const fresh = new FunctionLibs(this.server);
    for (const code of parsed.codes) {
      const r = fresh.createShared(this, code);
      if ('err' in r) { fresh.clear(); return err('ERR ' + r.err); }
    }
    if (policy === 'flush') {
      this.clear();
      for (const lib of fresh.takeAll()) this.adoptCode(lib.code);
      return OK;
    }
    // libraryJoin
    const replaced: Library[] = [];
    for (const lib of fresh.libraries.values()) {
      const old = this.libraries.get(lib.name);
      if (old) {
        if (policy !== 'replace') {
          for (const o of replaced) this.link(o);
          fresh.clear();
          return err(`ERR Library ${lib.name} already exists`);
        }
        this.unlink(old);
        replaced.push(old);
      }
    }
    for (const f of fresh.functions.values()) {
      if (this.functions.has(f.name.toLowerCase())) {
        for (const o of replaced) this.link(o);
        fresh.clear();
        return err(`ERR Function ${f.name} already exists`);
      }
    }
    for (const o of replaced) this.freeLibrary(o);
    for (const lib of fresh.takeAll()) this.adoptCode(lib.code);
    return OK;
  }

  /** Validate a payload in this scratch context (names, functions, collisions among the restored set). */
  private createShared(_target: FunctionLibs, code: string): { name: string } | { err: string } {
    return this.create(code, false, 0);
  }

  private takeAll(): Library[] {
    const libs = [...this.libraries.values()];
    this.clear();
    return libs;
  }

  /** Load an already validated library into this state (its functions must live in this Lua state). */
  private adoptCode(code: string): void {
    this.create(code, true, 0);
  }
}

/** luaRegisterFunctionReadFlags: the flags table as a bit set, or null on an unknown/non-string flag. */
function readFlags(L: LuaState): number | null {
  let flags = 0;
  for (let j = 1; ; j++) {
    lua.lua_pushnumber(L, j);
    lua.lua_gettable(L, -2);
    const t = lua.lua_type(L, -1);
    if (t === lua.LUA_TNIL) { lua.lua_pop(L, 1); break; }
    if (!lua.lua_isstring(L, -1)) { lua.lua_pop(L, 1); return null; }
    const s = luaToBytes(lua.lua_tolstring(L, -1)).toLowerCase();
    lua.lua_pop(L, 1);
    const f = SCRIPT_FLAG_NAMES.find(([n]) => n === s);
    if (!f) return null;
    flags |= f[1];
  }
  return flags;
}

const perServer = new WeakMap<RedSim, FunctionLibs>();

export function functionsOf(server: RedSim): FunctionLibs {
  let f = perServer.get(server);
  if (!f) {
    f = new FunctionLibs(server);
    perServer.set(server, f);
    server.ext.functionCounts = () => ({ functions: f!.functions.size, libraries: f!.libraries.size });
    // The executor's OOM check reads a function's flags (fcallGetCommandFlags).
    server.ext.functionFlags = (name: string) => f!.functions.get(name)?.flags;
  }
  return f;
}

/* ---------------- FUNCTION DUMP payload (rdbSaveFunctions + RDB version + CRC64) ---------------- */

const RDB_VERSION = 10;
const RDB_OPCODE_FUNCTION2 = 245;
const RDB_OPCODE_FUNCTION = 246;

function saveLen(out: number[], len: number): void {
  if (len < 64) out.push(len);
  else if (len < 16384) out.push(0x40 | (len >> 8), len & 0xff);
  else out.push(0x80, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
}

function saveString(out: number[], s: string): void {
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
  if (bytes.length > 20) {
    const comp = bytes.length > 4 ? lzfCompress(bytes, bytes.length - 4) : null;
    if (comp) {
      out.push(0xc3);
      saveLen(out, comp.length);
      saveLen(out, bytes.length);
      for (const b of comp) out.push(b);
      return;
    }
  }
  saveLen(out, bytes.length);
  for (const b of bytes) out.push(b);
}

export function dumpLibraries(codes: string[]): string {
  const out: number[] = [];
  for (const c of codes) { out.push(RDB_OPCODE_FUNCTION2); saveString(out, c); }
  out.push(RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff);
  const body = fromUint8(Uint8Array.from(out)); // chunked: spreading a large array overflows the JS stack
  return body + crc64(body);
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly end: number) {}
  byte(): number | null { return this.pos < this.end ? this.b[this.pos++] : null; }
  /** rdbLoadLen with the encoded flag: {len} or {enc}. */
  len(): { len: number; enc: boolean } | null {
    const f = this.byte();
    if (f === null) return null;
    const type = f >> 6;
    if (type === 0) return { len: f & 0x3f, enc: false };
    if (type === 1) { const n = this.byte(); return n === null ? null : { len: ((f & 0x3f) << 8) | n, enc: false }; }
    if (type === 3) return { len: f & 0x3f, enc: true };
    const n = f === 0x80 ? 4 : f === 0x81 ? 8 : 0;
    if (!n) return null;
    let v = 0;
    for (let i = 0; i < n; i++) { const x = this.byte(); if (x === null) return null; v = v * 256 + x; }
    return { len: v, enc: false };
  }
  bytes(n: number): Uint8Array | null {
    if (this.pos + n > this.end) return null;
    const r = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  string(): string | null {
    const l = this.len();
    if (!l) return null;
    if (l.enc) {
      if (l.len <= 2) {
        const n = [1, 2, 4][l.len];
        const b = this.bytes(n);
        if (!b) return null;
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i];
        if (v >= 2 ** (8 * n - 1)) v -= 2 ** (8 * n);
        return String(v);
      }
      if (l.len !== 3) return null;
      const c = this.len();
      const u = this.len();
      if (!c || !u) return null;
      const comp = this.bytes(c.len);
      if (!comp) return null;
      const d = lzfDecompress(comp, u.len);
      return d ? luaToBytes(d) : null;
    }
    const b = this.bytes(l.len);
    return b ? luaToBytes(b) : null;
  }
}

/** FUNCTION RESTORE payload -> library payloads, or the error text (without ERR). */
export function parseDump(data: string): { codes: string[] } | { err: string } {
  const b = Uint8Array.from(data, (c) => c.charCodeAt(0));
  if (b.length < 10) return { err: 'DUMP payload version or checksum are wrong' };
  const ver = b[b.length - 10] | (b[b.length - 9] << 8);
  if (ver > RDB_VERSION) return { err: 'DUMP payload version or checksum are wrong' };
  if (crc64(data.slice(0, -8)) !== data.slice(-8)) return { err: 'DUMP payload version or checksum are wrong' };
  const r = new Reader(b, b.length);
  const codes: string[] = [];
  while (b.length - r.pos > 10) {
    const type = r.byte();
    if (type === null) return { err: 'can not read data type' };
    if (type !== RDB_OPCODE_FUNCTION && type !== RDB_OPCODE_FUNCTION2) return { err: 'given type is not a function' };
    if (type === RDB_OPCODE_FUNCTION) {
      const name = r.string();
      if (name === null) return { err: 'Failed loading library name' };
      const engine = r.string();
      if (engine === null) return { err: 'Failed loading engine name' };
      const hasDesc = r.len();
      if (!hasDesc) return { err: 'Failed loading library description indicator' };
      if (hasDesc.len && r.string() === null) return { err: 'Failed loading library description' };
      const blob = r.string();
      if (blob === null) return { err: 'Failed loading library blob' };
      codes.push(`#!${engine} name=${name}\n${blob}`);
    } else {
      const code = r.string();
      if (code === null) return { err: 'Failed loading library payload' };
      codes.push(code);
    }
  }
  return { codes };
}

void pushBytes;
