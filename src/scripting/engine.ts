/**
 * The run context shared by EVAL scripts and FUNCTION calls (Redis's script.c
 * and luaCallFunction in script_lua.c): one persistent Lua state per engine,
 * a "fake" script client whose db/protocol the script may change, the busy
 * script timeout and SCRIPT KILL / FUNCTION KILL.
 *
 * A script runs as a Lua coroutine so that, once it has run longer than
 * busy-reply-threshold, the count hook can yield back to the event loop (the
 * executor then answers other clients with BUSY) and the run continues on
 * setImmediate. Short scripts finish inside the first resume, synchronously.
 */
import { noErrorStats } from '../reply.js';
import type { RedSim } from '../server.js';
import { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { err } from '../reply.js';
import { lua, LuaState, luaToBytes, lstr } from './lua-util.js';
import { pushToString51, RUN_THREAD_KEY, redisErrHandler } from './lua51/stdlib.js';
import { pushErrorTable, luaToReply } from './bridge.js';
import { cstr } from './shebang.js';
import { parseLongLong } from '../util/float.js';
import { chainOf, chainYieldable } from './coroutines.js';
import { memoryExhausted, throwOutOfMemory } from './lua51/limits.js';

/** Lua 5.1's LUAI_MAXCSTACK (slots a C function may use). */
const MAX_C_STACK = 8000;
/** Instructions between two count-hook calls. */
export const HOOK_COUNT = 10000;
/** Virtual clock: script time charged per hook call, so BUSY timing is deterministic. */
export const VIRTUAL_MS_PER_HOOK = 1;
/**
 * A script past busy-reply-threshold that cannot yield (it is inside a C call
 * with no continuation: a table.sort comparator, a gsub callback, tostring's
 * __tostring, load's reader...) cannot let SCRIPT KILL in, and the process is
 * frozen. Redis has no such state (its hook serves clients in place), so we
 * bound it: after max(threshold, this) more ms without a chance to yield the
 * script is stopped with STALL_KILL_MSG, even if it already wrote.
 */
export const STALL_MIN_MS = 5000;
export const STALL_KILL_MSG = 'Script killed: it ran past busy-reply-threshold inside a call that cannot be interrupted (sort comparator, gsub callback, metamethod called from C...)';

export interface RunCtx {
  /** Cluster mode: the script may touch keys of several slots (EVAL without shebang, allow-cross-slot-keys). */
  allowCrossSlot?: boolean;
  server: RedSim;
  engine: ScriptEngine;
  /** The client that sent EVAL/FCALL. */
  caller: Client;
  /** Its argv (FUNCTION STATS shows it). */
  callerArgv: string[];
  /** SHA1 (EVAL) or function name (FCALL): the `script: <name>` part of errors. */
  funcname: string;
  evalMode: boolean;
  readOnly: boolean;
  allowOom: boolean;
  writeDirty: boolean;
  killed: boolean;
  timedOut: boolean;
  startMs: number;
  startUs: number;
  hookCalls: number;
  /** Script ms at which it first failed to yield after timing out; null while it can. */
  stallSinceMs: number | null;
  /** Time frozen for the whole run (Redis's snapshot_time). */
  snapshotMs: number;
}

/** Per-server state common to both engines: only one script runs at a time. */
export interface ServerScripting {
  current: RunCtx | null;
  /** redisLrand48 state, shared by EVAL and FUNCTION engines as in Redis (process-wide there). */
  rand: { x0: number; x1: number; x2: number };
  nextFakeClientId: number;
}

const serverState = new WeakMap<RedSim, ServerScripting>();

export function scriptingOf(server: RedSim): ServerScripting {
  let s = serverState.get(server);
  if (!s) {
    s = { current: null, rand: { x0: 0x330e, x1: 0xabcd, x2: 0x1234 }, nextFakeClientId: -1 };
    serverState.set(server, s);
  }
  return s;
}

const LUA_OK = lua.LUA_OK;
const LUA_YIELD = lua.LUA_YIELD;

/** Registry slot of the coroutine that runs scripts (kept alive for reuse). */
const THREAD_KEY = RUN_THREAD_KEY;

export class ScriptEngine {
  readonly L: LuaState;
  readonly client: Client;
  run: RunCtx | null = null;
  private thread: LuaState = null;
  /** Floor of the non-yieldable grace period (tests lower it). */
  stallMinMs = STALL_MIN_MS;
  private killMsg = '';
  private readonly hook: (L: LuaState, ar: unknown) => void;
  private readonly killHook: (L: LuaState, ar: unknown) => void;

  constructor(readonly server: RedSim, readonly kind: 'eval' | 'function', create: (engine: ScriptEngine) => LuaState) {
    // The script client is not a connection: it is never listed by CLIENT LIST.
    const s = scriptingOf(server);
    this.client = new Client(s.nextFakeClientId--, server.dbs[0], server.clock.now());
    this.client.kind = 'script';
    this.client.user = server.acl.defaultUser;
    this.L = create(this);
    this.hook = (L) => this.onHook(L);
    this.killHook = (L) => this.raiseError(L, this.killMsg);
  }

  private newThread(): LuaState {
    const L = this.L;
    const t = lua.lua_newthread(L);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, THREAD_KEY);
    this.thread = t;
    return t;
  }

  /**
   * Run the function `push` places on the run thread (returning how many
   * arguments it pushed after it). Returns the reply, or a Promise when the
   * script outlived busy-reply-threshold and continues asynchronously.
   */
  execute(rc: RunCtx, push: (T: LuaState) => number): Reply | Promise<Reply> {
    const server = this.server;
    let T = this.thread;
    if (!T || lua.lua_status(T) !== LUA_OK || lua.lua_gettop(T) !== 0) T = this.newThread();
    T.cBoundaries = 0;
    const nargs = push(T);
    this.begin(rc);
    const threshold = server.config.getNumber('busy-reply-threshold');
    if (threshold > 0) lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    let status: number;
    try {
      status = lua.lua_resume(T, null, nargs);
    } catch (e) {
      this.end(rc, T);
      throw e;
    }
    if (status === LUA_YIELD) {
      chainOf(T).hookYield = false;
      return this.continueAsync(rc, T);
    }
    return this.finish(rc, T, status);
  }

  private begin(rc: RunCtx): void {
    const server = this.server;
    this.run = rc;
    scriptingOf(server).current = rc;
    if (server.explain !== null) server.explain.scriptStarted(rc.caller);
    server.busy = { kind: this.kind, timedOut: false };
    this.client.db = rc.caller.db;
    this.client.resp = 2;
    const chain = chainOf(this.L);
    chain.active.length = 0;
    chain.hookYield = false;
  }

  private end(rc: RunCtx, T: LuaState): void {
    lua.lua_sethook(T, null, 0, 0);
    this.run = null;
    const s = scriptingOf(this.server);
    if (s.current === rc) s.current = null;
    this.server.busy = null;
  }

  private continueAsync(rc: RunCtx, T: LuaState): Promise<Reply> {
    const server = this.server;
    return new Promise<Reply>((resolve, reject) => {
      const step = () => {
        // Each slice runs as part of the script's command: time stays frozen.
        server.callDepth++;
        const savedTime = server.cmdTime;
        server.cmdTime = rc.snapshotMs;
        let status: number;
        try {
          status = lua.lua_resume(T, null, 0);
        } catch (e) {
          server.callDepth--;
          this.end(rc, T);
          reject(e);
          return;
        } finally {
          if (server.callDepth > 0) server.cmdTime = savedTime;
        }
        if (status === LUA_YIELD) {
          chainOf(T).hookYield = false;
          server.callDepth--;
          setImmediate(step);
          return;
        }
        let r: Reply;
        try {
          r = this.finish(rc, T, status);
        } finally {
          server.callDepth--;
        }
        server.blocking.serveReady();
        resolve(r);
      };
      setImmediate(step);
    });
  }

  /** Convert the result (or error) left on the finished thread into the reply. */
  private finish(rc: RunCtx, T: LuaState, status: number): Reply {
    const L = this.L;
    try {
      if (status === lua.LUA_ERRMEM) {
        // luaCallFunction's reply for an error that is not a table (the
        // message handler does not run for memory errors)
        lua.lua_settop(T, 0);
        return err(`ERR Error running script ${rc.funcname}, not enough memory`);
      }
      if (status === LUA_OK) {
        const n = lua.lua_gettop(T);
        const base = lua.lua_gettop(L);
        // luaToReply stops at 5.1's C stack limit itself; give fengari's
        // stack real room up to there (its api checks throw otherwise).
        lua.lua_checkstack(L, MAX_C_STACK);
        if (n === 0) lua.lua_pushnil(L);
        else {
          lua.lua_settop(T, 1);
          lua.lua_xmove(T, L, 1);
        }
        lua.lua_settop(T, 0);
        try {
          return luaToReply(L, this.client.resp);
        } catch (e) {
          // never leave half a conversion on the persistent state
          lua.lua_settop(L, base);
          throw e;
        }
      }
      return this.errorReply(rc, T);
    } finally {
      this.end(rc, T);
    }
  }

  /**
   * Redis's __redis__err__handler plus the error branch of luaCallFunction:
   * the error becomes {err=..., source=..., line=...} where source/line are
   * those of the Lua function running when the error was raised (the caller
   * when the raiser is a C function), then "-<err> script: <name>, on <src>:<line>.".
   */
  private errorReply(rc: RunCtx, T: LuaState): Reply {
    const L = this.L;
    let source: string | null = null;
    let line: number | null = null;
    const ar = new lua.lua_Debug();
    if (lua.lua_getstack(T, 0, ar)) {
      lua.lua_getinfo(T, 'Sl', ar);
      if (luaToBytes(ar.what) === 'J' || luaToBytes(ar.what) === 'C') {
        const ar2 = new lua.lua_Debug();
        if (lua.lua_getstack(T, 1, ar2)) { lua.lua_getinfo(T, 'Sl', ar2); source = luaToBytes(ar2.source); line = ar2.currentline; }
      } else {
        source = luaToBytes(ar.source);
        line = ar.currentline;
      }
    }
    lua.lua_xmove(T, L, 1);
    const top = lua.lua_gettop(L);
    let msg: string | null = null;
    let noStats = false;
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      // the handler wraps other values: {err='ERR ' .. tostring(err)}
      pushToString51(L, -1);
      msg = 'ERR ' + luaToBytes(lua.lua_tolstring(L, -1));
    } else {
      lua.lua_getfield(L, -1, 'err');
      if (lua.lua_isstring(L, -1)) msg = luaToBytes(lua.lua_tolstring(L, -1));
      lua.lua_pop(L, 1);
      // Raised from redis.call: the failing command's reply already counted in the error stats.
      lua.lua_getfield(L, -1, 'ignore_error_stats_update');
      noStats = lua.lua_toboolean(L, -1);
    }
    lua.lua_settop(L, top - 1);
    // Redis reads the message through the C string API: a NUL ends it.
    // (A table error without 'err' crashes Redis 7.0.15; we answer something sane.)
    let out = msg === null ? 'ERR unknown error' : cstr(msg);
    if (line !== null && source !== null) out += ` script: ${rc.funcname}, on ${source}:${line}.`;
    const r = err(out);
    if (noStats) noErrorStats.add(r);
    return r;
  }

  private onHook(L: LuaState): void {
    const rc = this.run;
    if (!rc) return;
    const server = this.server;
    rc.hookCalls++;
    if (memoryExhausted()) throwOutOfMemory(L);
    if (!rc.timedOut) {
      if (this.elapsedMs(rc) < server.config.getNumber('busy-reply-threshold')) return;
      rc.timedOut = true;
      if (server.busy) server.busy.timedOut = true;
    }
    if (rc.killed) { this.raiseKilled(L); return; }
    // Yield for the event loop when every thread from the run thread up to
    // L can; coroutines.ts passes a yield inside a script coroutine upwards.
    if (chainYieldable(this.thread, L)) {
      rc.stallSinceMs = null;
      chainOf(L).hookYield = true;
      lua.lua_yield(L, 0);
      return;
    }
    const now = this.elapsedMs(rc);
    if (rc.stallSinceMs === null) { rc.stallSinceMs = now; return; }
    const limit = Math.max(server.config.getNumber('busy-reply-threshold'), this.stallMinMs);
    if (now - rc.stallSinceMs >= limit) this.raiseError(L, STALL_KILL_MSG);
  }

  private elapsedMs(rc: RunCtx): number {
    const server = this.server;
    return server.clock.virtual
      ? server.clock.now() - rc.startMs + rc.hookCalls * VIRTUAL_MS_PER_HOOK
      : (server.clock.nowUs() - rc.startUs) / 1000;
  }

  private raiseKilled(L: LuaState): void {
    this.raiseError(L, 'Script killed by user with SCRIPT KILL...');
  }

  private raiseError(L: LuaState, msg: string): void {
    // From now on every line raises again, in every thread of the run, so
    // pcall cannot swallow the kill.
    for (const t of [this.thread, ...chainOf(L).active, L]) {
      if (t) lua.lua_sethook(t, this.killHook, lua.LUA_MASKLINE, 0);
    }
    this.killMsg = msg;
    pushErrorTable(L, msg, false);
    lua.lua_error(L);
  }
}

/**
 * The global `__redis__err__handler` Redis defines for EVAL (in Lua there;
 * its result shape is what errorReply above builds). Scripts can see and call
 * it: it turns a non-table error into {err='ERR '..tostring(e)} and adds the
 * source and line of its caller (or of the caller's caller when that is a C
 * function), writing into a table error as Redis's does.
 */
export function registerErrHandlerGlobal(L: LuaState): void {
  lua.lua_pushcfunction(L, redisErrHandler);
  lua.lua_setglobal(L, lstr('__redis__err__handler'));
}

/** scriptKill: SCRIPT KILL (isEval) / FUNCTION KILL. */
export function killRunningScript(server: RedSim, isEval: boolean): Reply {
  const rc = scriptingOf(server).current;
  if (!rc) return err('NOTBUSY No scripts in execution right now.');
  if (rc.writeDirty) {
    return err('UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.');
  }
  if (isEval && !rc.evalMode) return err('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
  if (!isEval && rc.evalMode) return err('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
  rc.killed = true;
  return { t: 'status', v: 'OK' };
}

export function newRunCtx(server: RedSim, engine: ScriptEngine, caller: Client, callerArgv: string[],
  funcname: string, evalMode: boolean, readOnly: boolean, allowOom: boolean): RunCtx {
  // One clock read: both clocks define now() as floor(nowUs() / 1000).
  const nowUs = server.clock.nowUs();
  return {
    server, engine, caller, callerArgv, funcname, evalMode, readOnly, allowOom,
    writeDirty: false, killed: false, timedOut: false, stallSinceMs: null,
    startMs: Math.floor(nowUs / 1000), startUs: nowUs, hookCalls: 0,
    snapshotMs: server.now(),
  };
}

/**
 * The numkeys argument (argv[2]) of the EVAL and FCALL families, checked against the
 * argument count: the count, or the error reply. `badInt` is the reply for
 * a non-integer (the two command families word it differently).
 */
export function parseNumkeys(argv: string[], badInt: string): number | Reply {
  const s = argv[2];
  const nargs = argv.length - 3;
  // Fast path: a short canonical non-negative decimal needs no BigInt.
  const n = s.length;
  if (n > 0 && n <= 9 && (n === 1 || s.charCodeAt(0) !== 48)) {
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === n) return v > nargs ? err("ERR Number of keys can't be greater than number of args") : v;
  }
  const nk = parseLongLong(s);
  if (nk === null) return err(badInt);
  if (nk > BigInt(nargs)) return err("ERR Number of keys can't be greater than number of args");
  if (nk < 0n) return err("ERR Number of keys can't be negative");
  return Number(nk);
}

/** Milliseconds the current script has been running (FUNCTION STATS duration_ms). */
export function runDurationMs(rc: RunCtx): number {
  const server = rc.server;
  if (server.clock.virtual) return Math.floor(server.clock.now() - rc.startMs + rc.hookCalls * VIRTUAL_MS_PER_HOOK);
  return Math.floor((server.clock.nowUs() - rc.startUs) / 1000);
}
