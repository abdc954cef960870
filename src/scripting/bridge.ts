/**
 * Redis <-> Lua value conversions and the `redis` table (script_lua.c).
 *
 * Redis -> Lua follows the parser callbacks of redisProtocolToLuaType for the
 * protocol the script client speaks (RESP2 by default, RESP3 after
 * redis.setresp(3)); Lua -> Redis follows luaReplyToRedisReply.
 */
import { noErrorStats } from '../reply.js';
import { OOM_ERR } from '../executor.js';
import { clusterOf, scriptClusterCheck } from '../cluster/routing.js';
import { createHash } from 'node:crypto';
import type { Reply } from '../reply.js';
import { err, NIL, int, bulk, status, array, map, set, double, bool, bignum, verbatim, plain } from '../reply.js';
import { lua, lauxlib, LuaState, pushBytes, luaToBytes, lstr, stringBytesAt } from './lua-util.js';
import { luaNext51 } from './lua51/table-order.js';
import { toInt51 } from './lua51/numbers.js';
import { doubleText } from '../resp/encode.js';
import { formatDouble } from '../util/float.js';
import { lookupCommand } from '../commands/table.js';
import { call, arityOk } from '../executor.js';
import type { ScriptEngine, RunCtx } from './engine.js';
import { scriptingOf } from './engine.js';
import { cstr } from '../util/bytes.js';
import { checkCommand, aclErrorMessage, unrestricted } from '../acl/check.js';

const { LUA_TNIL, LUA_TNUMBER, LUA_TBOOLEAN, LUA_TSTRING, LUA_TTABLE } = lua;

/** Redis 7.0.15 */
export const REDIS_VERSION = '7.0.15';
export const REDIS_VERSION_NUM = 0x07000f;


function trimCRLF(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === '\r' || s[a] === '\n')) a++;
  while (b > a && (s[b - 1] === '\r' || s[b - 1] === '\n')) b--;
  return s.slice(a, b);
}

/**
 * luaPushErrorBuff: push {err="<CODE> <msg>"}. A buffer starting with '-' is
 * "-CODE msg" (code taken from it); anything else gets the ERR code. With
 * ignoreStats the table also carries ignore_error_stats_update=true.
 */
export function pushErrorTable(L: LuaState, buf: string, ignoreStats: boolean): void {
  let code: string;
  let msg: string;
  if (buf[0] === '-') {
    const c = cstr(buf);
    const sp = c.indexOf(' ');
    if (sp < 0) { code = 'ERR'; msg = c.slice(1); } else { code = c.slice(1, sp); msg = c.slice(sp + 1); }
  } else {
    code = 'ERR';
    msg = cstr(buf);
  }
  lua.lua_createtable(L, 0, 2);
  pushBytes(L, cstr(code + ' ' + trimCRLF(msg)));
  lua.lua_setfield(L, -2, lstr('err'));
  if (ignoreStats) {
    lua.lua_pushboolean(L, 1);
    lua.lua_setfield(L, -2, lstr('ignore_error_stats_update'));
  }
}

/* ------------------------------------------------------------------ */
/* Redis -> Lua                                                        */
/* ------------------------------------------------------------------ */

function pushTagged(L: LuaState, tag: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, lstr(tag));
}

/** Push a reply that holds no other replies. */
function pushLeaf(L: LuaState, r: Reply, resp: 2 | 3): void {
  switch (r.t) {
    case 'status':
      lua.lua_createtable(L, 0, 1);
      pushBytes(L, r.v);
      lua.lua_setfield(L, -2, lstr('ok'));
      return;
    case 'error':
      pushErrorTable(L, '-' + r.v, true);
      return;
    case 'int':
      lua.lua_pushnumber(L, Number(r.v));
      return;
    case 'bulk':
      pushBytes(L, r.v);
      return;
    case 'double':
      if (resp === 2) { pushBytes(L, doubleText(r.v, r.s)); return; }
      pushTagged(L, 'double');
      // Lua gets the number a RESP3 parser reads back from the reply's text.
      lua.lua_pushnumber(L, r.s === undefined ? r.v : Number(r.s));
      lua.lua_settable(L, -3);
      return;
    case 'bool':
      if (resp === 2) lua.lua_pushnumber(L, r.v ? 1 : 0); else lua.lua_pushboolean(L, r.v ? 1 : 0);
      return;
    case 'verbatim':
      if (resp === 2) { pushBytes(L, r.v); return; }
      pushTagged(L, 'verbatim_string');
      lua.lua_createtable(L, 0, 2);
      pushBytes(L, r.v);
      lua.lua_setfield(L, -2, lstr('string'));
      pushBytes(L, r.fmt);
      lua.lua_setfield(L, -2, lstr('format'));
      lua.lua_settable(L, -3);
      return;
    case 'bignum':
      if (resp === 2) { pushBytes(L, r.v); return; }
      pushTagged(L, 'big_number');
      pushBytes(L, r.v);
      lua.lua_settable(L, -3);
      return;
    default:
      // nil, nilarray (aggregates never get here)
      if (resp === 2) lua.lua_pushboolean(L, 0); else lua.lua_pushnil(L);
  }
}

/**
 * An aggregate being filled on the Lua stack. `items` are the children in
 * order (a map's as key, value, key, value...); `i` is the next one to push.
 * kind 'array' stores child i at [i]; 'set' stores child=true; 'map' stores
 * each key/value pair once the value is pushed.
 */
interface PushFrame { kind: 'array' | 'set' | 'map'; items: Reply[]; i: number }

/** Push the tables an aggregate reply starts with; null when `r` is no aggregate. */
function openAggregate(L: LuaState, r: Reply, resp: 2 | 3): PushFrame | null {
  let kind: PushFrame['kind'];
  let items: Reply[];
  switch (r.t) {
    case 'array':
    case 'push':
      kind = 'array'; items = r.v; break;
    case 'set':
      kind = resp === 2 ? 'array' : 'set'; items = r.v; break;
    case 'map':
      kind = resp === 2 ? 'array' : 'map';
      items = [];
      for (const [k, v] of r.v) items.push(k, v);
      break;
    default:
      return null;
  }
  // Room for this level's 3 slots and the largest leaf plus its store (5).
  // Redis panics when the stack cannot grow here (no command nests that
  // deep); fengari's limit is a million slots.
  if (!lua.lua_checkstack(L, 8)) throw new Error('lua stack limit reach when parsing redis.call reply');
  if (kind !== 'array') pushTagged(L, kind);
  lua.lua_createtable(L, 0, 0);
  return { kind, items, i: 0 };
}

/** Store the child just pushed on top of the frame's table. */
function storeChild(L: LuaState, f: PushFrame): void {
  if (f.kind === 'array') lua.lua_rawseti(L, -2, f.i);
  else if (f.kind === 'set') { lua.lua_pushboolean(L, 1); lua.lua_settable(L, -3); }
  else if ((f.i & 1) === 0) lua.lua_settable(L, -3);
}

/**
 * Push the Lua value a command reply becomes for a script client speaking `resp`.
 * Nested replies are walked with an explicit stack, so depth costs no JS frames.
 */
export function pushReply(L: LuaState, r: Reply, resp: 2 | 3): void {
  // Attribute and push frames around a reply are not part of its value.
  r = plain(r);
  const first = openAggregate(L, r, resp);
  if (first === null) { pushLeaf(L, r, resp); return; }
  const frames: PushFrame[] = [first];
  while (frames.length > 0) {
    const f = frames[frames.length - 1];
    if (f.i < f.items.length) {
      const x = plain(f.items[f.i++]);
      const sub = openAggregate(L, x, resp);
      if (sub !== null) { frames.push(sub); continue; }
      pushLeaf(L, x, resp);
      storeChild(L, f);
      continue;
    }
    frames.pop();
    // a RESP3 set or map: its table goes under the tag of the wrapper table
    if (f.kind !== 'array') lua.lua_settable(L, -3);
    if (frames.length > 0) storeChild(L, frames[frames.length - 1]);
  }
}

/* ------------------------------------------------------------------ */
/* Lua -> Redis                                                        */
/* ------------------------------------------------------------------ */

/** Lua 5.1's LUAI_MAXCSTACK: lua_checkstack fails past it. */
const MAX_C_STACK = 8000;
/**
 * Redis converts a script's result with its error handler under it: the
 * result sits at stack height 2 (EVAL and FCALL alike), whatever redsim's
 * state holds below.
 */
const REDIS_RESULT_HEIGHT = 2;
const LLONG_MIN = -9223372036854775808n;

/** (long long)d as x86-64 computes it: truncation, out of range -> LLONG_MIN. */
export function doubleToLongLong(d: number): number | bigint {
  if (!Number.isFinite(d) || d >= 9223372036854775807 || d < -9223372036854775808) return LLONG_MIN;
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t === 0 ? 0 : t;
  return BigInt(t);
}

/**
 * A table being converted. Its Lua stack slots stay in place until it closes,
 * laid out as luaReplyToRedisReply's recursion lays them out (the stack limit
 * check depends on it): array [table]; set [table, set, key]; map [table, map,
 * key] plus the value while the key converts ('key') or waits ('value').
 */
type TableFrame =
  | { kind: 'array'; out: Reply[]; j: number }
  | { kind: 'set'; out: Reply[] }
  | { kind: 'map'; out: Array<[Reply, Reply]>; key: Reply | null; state: 'next' | 'key' | 'value' };

/**
 * Convert (and pop) the value on top of L into a reply. `resp` is the
 * protocol the script selected (it decides how booleans come out). Nested
 * tables are walked with an explicit stack, so depth costs no JS frames.
 */
export function luaToReply(L: LuaState, resp: 2 | 3): Reply {
  const frames: TableFrame[] = [];
  // stack height as Redis would count it = gettop - shift
  const shift = lua.lua_gettop(L) - REDIS_RESULT_HEIGHT;
  let val = convertTop(L, resp, frames, shift);
  for (;;) {
    if (val !== null) {
      if (frames.length === 0) return val;
      deliver(frames[frames.length - 1], val);
    }
    const f = frames[frames.length - 1];
    if (nextChild(L, f)) {
      val = convertTop(L, resp, frames, shift);
    } else {
      frames.pop();
      val = closeFrame(L, f);
    }
  }
}

/** Convert the value on top: a reply (value popped), or null when it opened a frame. */
function convertTop(L: LuaState, resp: 2 | 3, frames: TableFrame[], shift: number): Reply | null {
  if (lua.lua_gettop(L) - shift + 4 > MAX_C_STACK || !lua.lua_checkstack(L, 4)) {
    lua.lua_pop(L, 1);
    return err('ERR reached lua stack limit');
  }
  const t = lua.lua_type(L, -1);
  let r: Reply;
  switch (t) {
    case LUA_TSTRING:
      r = bulk(stringBytesAt(L, -1)!);
      break;
    case LUA_TBOOLEAN:
      if (resp === 2) r = lua.lua_toboolean(L, -1) ? int(1) : NIL;
      else r = bool(lua.lua_toboolean(L, -1));
      break;
    case LUA_TNUMBER:
      r = int(doubleToLongLong(lua.lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      return tableToReply(L, frames);
    default:
      r = NIL;
  }
  lua.lua_pop(L, 1);
  return r;
}

function deliver(f: TableFrame, r: Reply): void {
  if (f.kind !== 'map') { f.out.push(r); return; }
  if (f.state === 'key') { f.key = r; f.state = 'value'; return; }
  f.out.push([f.key!, r]);
  f.key = null;
  f.state = 'next';
}

/** Push the frame's next child on top; false (and nothing pushed) when it has no more. */
function nextChild(L: LuaState, f: TableFrame): boolean {
  switch (f.kind) {
    case 'array':
      lua.lua_rawgeti(L, -1, f.j++);
      if (lua.lua_type(L, -1) === LUA_TNIL) { lua.lua_pop(L, 1); return false; }
      return true;
    case 'set':
      if (!luaNext51(L, -2)) return false;
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1);
      return true;
    case 'map':
      // the value is already on the stack under the converted key
      if (f.state === 'value') return true;
      if (!luaNext51(L, -2)) return false;
      lua.lua_pushvalue(L, -2);
      f.state = 'key';
      return true;
  }
}

function closeFrame(L: LuaState, f: TableFrame): Reply {
  switch (f.kind) {
    case 'array':
      lua.lua_pop(L, 1);
      return array(f.out);
    case 'set':
      lua.lua_pop(L, 2);
      return set(f.out);
    case 'map':
      lua.lua_pop(L, 2);
      return map(f.out);
  }
}

function rawField(L: LuaState, name: string): number {
  lua.lua_pushstring(L, lstr(name));
  lua.lua_rawget(L, -2);
  return lua.lua_type(L, -1);
}

/** A table on top: the reply it stands for (table popped), or null with a frame opened for its children. */
function tableToReply(L: LuaState, frames: TableFrame[]): Reply | null {
  // {err=...}: error reply (message read like luaExtractErrorInformation)
  if (rawField(L, 'err') === LUA_TSTRING) {
    lua.lua_pop(L, 1);
    lua.lua_getfield(L, -1, lstr('err'));
    const msg = lua.lua_isstring(L, -1) ? luaToBytes(lua.lua_tolstring(L, -1)) : '';
    lua.lua_pop(L, 1);
    // An error table from redis.pcall: its command's reply was already counted in the error stats.
    lua.lua_getfield(L, -1, lstr('ignore_error_stats_update'));
    const noStats = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 2);
    const r = err(trimCRLF(cstr(msg)).replace(/[\r\n]/g, ' '));
    if (noStats) noErrorStats.add(r);
    return r;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'ok') === LUA_TSTRING) {
    const s = cstr(luaToBytes(lua.lua_tolstring(L, -1))).replace(/[\r\n]/g, ' ');
    lua.lua_pop(L, 2);
    return status(s);
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'double') === LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 2);
    return double(d);
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'big_number') === LUA_TSTRING) {
    const s = luaToBytes(lua.lua_tolstring(L, -1)).replace(/[\r\n]/g, ' ');
    lua.lua_pop(L, 2);
    return bignum(s);
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'verbatim_string') === LUA_TTABLE) {
    if (rawField(L, 'format') === LUA_TSTRING) {
      const fmt = cstr(luaToBytes(lua.lua_tolstring(L, -1)));
      lua.lua_pushstring(L, lstr('string'));
      lua.lua_rawget(L, -3);
      if (lua.lua_type(L, -1) === LUA_TSTRING) {
        const s = luaToBytes(lua.lua_tolstring(L, -1));
        lua.lua_pop(L, 4);
        return verbatim(s, fmt);
      }
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'map') === LUA_TTABLE) {
    lua.lua_pushnil(L);
    frames.push({ kind: 'map', out: [], key: null, state: 'next' });
    return null;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, 'set') === LUA_TTABLE) {
    lua.lua_pushnil(L);
    frames.push({ kind: 'set', out: [] });
    return null;
  }
  lua.lua_pop(L, 1);
  frames.push({ kind: 'array', out: [], j: 1 });
  return null;
}

/* ------------------------------------------------------------------ */
/* redis.call / redis.pcall                                            */
/* ------------------------------------------------------------------ */

/**
 * luaArgsToRedisArgv: the call's arguments as byte strings (numbers as %.17g),
 * or null with the error table pushed.
 */
function argsToArgv(L: LuaState): string[] | null {
  const argc = lua.lua_gettop(L);
  if (argc === 0) {
    pushErrorTable(L, 'Please specify at least one argument for this redis lib call', false);
    return null;
  }
  const argv = new Array<string>(argc);
  let ok = true;
  for (let j = 0; j < argc; j++) {
    const t = lua.lua_type(L, j + 1);
    if (t === LUA_TNUMBER) argv[j] = formatDouble(lua.lua_tonumber(L, j + 1));
    else if (t === LUA_TSTRING) argv[j] = stringBytesAt(L, j + 1)!;
    else { ok = false; break; }
  }
  lua.lua_settop(L, 0);
  if (!ok) {
    pushErrorTable(L, 'Lua redis lib command arguments must be strings or integers', false);
    return null;
  }
  return argv;
}

/** scriptCall: the checks Redis makes before running a command for a script, then call(). */
export function scriptCall(rc: RunCtx, argv: string[]): Reply | string {
  const spec = lookupCommand(argv);
  if (!spec) return 'Unknown Redis command called from script';
  if (!arityOk(spec, argv.length)) return 'Wrong number of args calling Redis command from script';
  const flags = spec.flags;
  // DEBUG SET-DISABLE-DENY-SCRIPTS 1 lifts this check (server.script_disable_deny_script).
  if (flags.has('noscript') && !rc.server.ext.disableDenyScripts) return 'This Redis command is not allowed from script';
  // The script client runs as the caller's user (scriptCall sets c->user).
  const client = rc.engine.client;
  const user = rc.caller.user;
  client.user = user;
  if (!unrestricted(user)) {
    const denied = checkCommand(user, spec, argv);
    if (denied) {
      const object = denied.denied === 'command' ? spec.fullname : argv[denied.pos];
      rc.server.acl.addLog(client, denied.denied, 'lua', object, undefined, rc.caller);
      return `The user executing the script ${aclErrorMessage(denied.denied)}`;
    }
  }
  const write = flags.has('write');
  if (rc.readOnly && (write || flags.has('may_replicate'))) {
    const msg = 'Write commands are not allowed from read-only scripts.';
    if (rc.server.explain !== null) rc.server.explain.scriptRefused(spec, argv, 'read-only', msg);
    return msg;
  }
  // scriptVerifyOOM: refused only before the script's first write, when memory was over the limit at its start.
  if (!rc.allowOom && rc.server.maxmemory !== 0 && !rc.writeDirty && rc.server.preCommandOom && flags.has('denyoom')) {
    return `-${OOM_ERR}`;
  }
  const cluster = clusterOf(rc.server);
  if (cluster) {
    const e = scriptClusterCheck(cluster, rc.caller, client, spec, argv, rc.allowCrossSlot === true);
    if (e) return e;
  }
  if (write) rc.writeDirty = true;
  const r = call(rc.server, rc.engine.client, spec, argv, { inExec: false, inScript: true });
  if (r instanceof Promise) {
    // Blocking is denied inside scripts, so handlers never suspend here.
    r.catch(() => undefined);
    return err('ERR redsim: command suspended inside a script');
  }
  return r;
}

function redisGenericCommand(engine: ScriptEngine, L: LuaState, raise: boolean): number {
  const rc = engine.run;
  if (!rc) {
    pushErrorTable(L, 'redis.call/pcall can only be called inside a script invocation', false);
    return lua.lua_error(L);
  }
  const argv = argsToArgv(L);
  if (argv === null) return raise ? lua.lua_error(L) : 1;
  const r = scriptCall(rc, argv);
  if (typeof r === 'string') {
    pushErrorTable(L, r, true);
    return raise ? lua.lua_error(L) : 1;
  }
  pushReply(L, r, engine.client.resp);
  if (raise && r.t === 'error') return lua.lua_error(L);
  return 1;
}

/* ------------------------------------------------------------------ */
/* The redis table                                                     */
/* ------------------------------------------------------------------ */

type CFn = (L: LuaState) => number;

function setFn(L: LuaState, name: string, fn: CFn): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, -2, lstr(name));
}
function setNum(L: LuaState, name: string, n: number): void {
  lua.lua_pushnumber(L, n);
  lua.lua_setfield(L, -2, lstr(name));
}

/** A log line written by redis.log (kept for tests; redsim has no log file). */
export interface ScriptLogLine { level: number; text: string }

function logCommand(engine: ScriptEngine): CFn {
  return (L) => {
    const argc = lua.lua_gettop(L);
    if (argc < 2) { pushErrorTable(L, 'redis.log() requires two arguments or more.', false); return lua.lua_error(L); }
    if (!lua.lua_isnumber(L, -argc)) { pushErrorTable(L, 'First argument must be a number (log level).', false); return lua.lua_error(L); }
    const level = toInt51(lua.lua_tonumber(L, -argc));
    if (level < 0 || level > 3) { pushErrorTable(L, 'Invalid debug level.', false); return lua.lua_error(L); }
    const parts: string[] = [];
    for (let j = 1; j < argc; j++) {
      const s = lua.lua_tolstring(L, -argc + j);
      if (s !== null) parts.push(luaToBytes(s));
    }
    const lines = scriptLog.get(engine.server) ?? [];
    lines.push({ level, text: parts.join(' ') });
    if (lines.length > 1000) lines.shift();
    scriptLog.set(engine.server, lines);
    return 0;
  };
}

export const scriptLog = new WeakMap<object, ScriptLogLine[]>();

/** redis.log and the LOG_* levels (shared by the function-load API table). */
export function registerLogAndVersion(L: LuaState, engine: ScriptEngine): void {
  setFn(L, 'log', logCommand(engine));
  setNum(L, 'LOG_DEBUG', 0);
  setNum(L, 'LOG_VERBOSE', 1);
  setNum(L, 'LOG_NOTICE', 2);
  setNum(L, 'LOG_WARNING', 3);
  setNum(L, 'REDIS_VERSION_NUM', REDIS_VERSION_NUM);
  pushBytes(L, REDIS_VERSION);
  lua.lua_setfield(L, -2, lstr('REDIS_VERSION'));
}

function singleFieldTable(field: string): CFn {
  return (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== LUA_TSTRING) {
      pushErrorTable(L, 'wrong number or type of arguments', false);
      return 1;
    }
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushstring(L, lstr(field));
    lua.lua_pushvalue(L, -3);
    lua.lua_settable(L, -3);
    return 1;
  };
}

/** Redis's replacement of the global pcall: an error table becomes its err string. */
function redisPcall(L: LuaState): number {
  const argc = lua.lua_gettop(L);
  lua.lua_pushboolean(L, 1);
  lua.lua_insert(L, 1);
  if (argc === 0) {
    // lua_pcall(L, -1, ...) in Redis calls the placeholder itself
    const st = lua.lua_pcallk(L, 0, lua.LUA_MULTRET, 0, 0, finishPcall);
    return finishPcall(L, st, 0);
  }
  const st = lua.lua_pcallk(L, argc - 1, lua.LUA_MULTRET, 0, 0, finishPcall);
  return finishPcall(L, st, 0);
}

function finishPcall(L: LuaState, st: number, _ctx: unknown): number {
  if (st !== lua.LUA_OK && st !== lua.LUA_YIELD) {
    lua.lua_remove(L, 1);
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, lstr('err'));
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
    }
    lua.lua_pushboolean(L, 0);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
}

/** redisLrand48 on the server's generator. */
function lrand48(s: { x0: number; x1: number; x2: number }): number {
  // x = (a*x + c) mod 2^48 with a = 0x5DEECE66D, c = 0xB, on 16-bit limbs
  const a0 = 0xe66d, a1 = 0xdeec, a2 = 0x5;
  const p0 = a0 * s.x0 + 0xb;
  const c0 = Math.floor(p0 / 65536);
  const p1 = a0 * s.x1 + a1 * s.x0 + c0;
  const c1 = Math.floor(p1 / 65536);
  const p2 = a0 * s.x2 + a1 * s.x1 + a2 * s.x0 + c1;
  s.x0 = p0 & 0xffff;
  s.x1 = p1 & 0xffff;
  s.x2 = p2 & 0xffff;
  // (x2 << 15) | (x1 >> 1): the top 31 bits
  return s.x2 * 32768 + (s.x1 >>> 1);
}

function mathRandom(engine: ScriptEngine): CFn {
  return (L) => {
    if (!engine.run) return lauxlib.luaL_error(L, lstr('math.random can only be called inside a script invocation'));
    const INT32_MAX = 2147483647;
    const r = (lrand48(scriptingOf(engine.server).rand) % INT32_MAX) / INT32_MAX;
    switch (lua.lua_gettop(L)) {
      case 0: lua.lua_pushnumber(L, r); break;
      case 1: {
        const u = toInt51(lauxlib.luaL_checknumber(L, 1));
        if (!(1 <= u)) lauxlib.luaL_argerror(L, 1, lstr('interval is empty'));
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
        break;
      }
      case 2: {
        const l = toInt51(lauxlib.luaL_checknumber(L, 1));
        const u = toInt51(lauxlib.luaL_checknumber(L, 2));
        if (!(l <= u)) lauxlib.luaL_argerror(L, 2, lstr('interval is empty'));
        lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
        break;
      }
      default: return lauxlib.luaL_error(L, lstr('wrong number of arguments'));
    }
    return 1;
  };
}

function mathRandomseed(engine: ScriptEngine): CFn {
  return (L) => {
    if (!engine.run) return lauxlib.luaL_error(L, lstr('math.randomseed can only be called inside a script invocation'));
    const seed = toInt51(lauxlib.luaL_checknumber(L, 1));
    const s = scriptingOf(engine.server).rand;
    s.x0 = 0x330e;
    s.x1 = seed & 0xffff;
    s.x2 = (seed >>> 16) & 0xffff;
    return 0;
  };
}

export function sha1hex(s: string): string {
  return createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex');
}

/**
 * luaRegisterRedisAPI: the global `redis` table, the pcall override and the
 * Redis math.random/randomseed. EVAL states also get breakpoint, debug and
 * replicate_commands (scriptingInit). Call before the globals are locked.
 */
export function registerRedisApi(L: LuaState, engine: ScriptEngine): void {
  lua.lua_pushcfunction(L, redisPcall);
  lua.lua_setglobal(L, lstr('pcall'));

  lua.lua_createtable(L, 0, 32);
  setFn(L, 'call', (L2) => redisGenericCommand(engine, L2, true));
  setFn(L, 'pcall', (L2) => redisGenericCommand(engine, L2, false));
  registerLogAndVersion(L, engine);
  setFn(L, 'setresp', (L2) => {
    if (!engine.run) { pushErrorTable(L2, 'redis.setresp can only be called inside a script invocation', false); return lua.lua_error(L2); }
    if (lua.lua_gettop(L2) !== 1) { pushErrorTable(L2, 'redis.setresp() requires one argument.', false); return lua.lua_error(L2); }
    const resp = toInt51(lua.lua_tonumber(L2, -1));
    if (resp !== 2 && resp !== 3) { pushErrorTable(L2, 'RESP version must be 2 or 3.', false); return lua.lua_error(L2); }
    engine.client.resp = resp;
    return 0;
  });
  setFn(L, 'sha1hex', (L2) => {
    if (lua.lua_gettop(L2) !== 1) { pushErrorTable(L2, 'wrong number of arguments', false); return lua.lua_error(L2); }
    const s = lua.lua_tolstring(L2, 1);
    pushBytes(L2, sha1hex(s === null ? '' : luaToBytes(s)));
    return 1;
  });
  setFn(L, 'error_reply', (L2) => {
    if (lua.lua_gettop(L2) !== 1 || lua.lua_type(L2, -1) !== LUA_TSTRING) {
      pushErrorTable(L2, 'wrong number or type of arguments', false);
      return 1;
    }
    const e = cstr(luaToBytes(lua.lua_tolstring(L2, -1)));
    pushErrorTable(L2, e[0] === '-' ? e : '-' + e, false);
    return 1;
  });
  setFn(L, 'status_reply', singleFieldTable('ok'));
  setFn(L, 'set_repl', (L2) => {
    if (!engine.run) { pushErrorTable(L2, 'redis.set_repl can only be called inside a script invocation', false); return lua.lua_error(L2); }
    if (lua.lua_gettop(L2) !== 1) { pushErrorTable(L2, 'redis.set_repl() requires two arguments.', false); return lua.lua_error(L2); }
    const flags = toInt51(lua.lua_tonumber(L2, -1));
    if ((flags & ~3) !== 0) {
      pushErrorTable(L2, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.', false);
      return lua.lua_error(L2);
    }
    return 0;
  });
  setNum(L, 'REPL_NONE', 0);
  setNum(L, 'REPL_AOF', 1);
  setNum(L, 'REPL_SLAVE', 2);
  setNum(L, 'REPL_REPLICA', 2);
  setNum(L, 'REPL_ALL', 3);
  setFn(L, 'acl_check_cmd', (L2) => {
    if (!engine.run) { pushErrorTable(L2, 'redis.acl_check_cmd can only be called inside a script invocation', false); return lua.lua_error(L2); }
    const argv = argsToArgv(L2);
    if (argv === null) return lua.lua_error(L2);
    if (!lookupCommand(argv)) {
      pushErrorTable(L2, 'Invalid command passed to redis.acl_check_cmd()', false);
      return lua.lua_error(L2);
    }
    const spec = lookupCommand(argv)!;
    const user = engine.run.caller.user;
    lua.lua_pushboolean(L2, unrestricted(user) || checkCommand(user, spec, argv) === null ? 1 : 0);
    return 1;
  });
  if (engine.kind === 'eval') {
    // no debugging session is ever active in redsim
    setFn(L, 'breakpoint', (L2) => { lua.lua_pushboolean(L2, 0); return 1; });
    setFn(L, 'debug', () => 0);
    setFn(L, 'replicate_commands', (L2) => { lua.lua_pushboolean(L2, 1); return 1; });
  }
  lua.lua_setglobal(L, lstr('redis'));

  lua.lua_getglobal(L, lstr('math'));
  setFn(L, 'random', mathRandom(engine));
  setFn(L, 'randomseed', mathRandomseed(engine));
  lua.lua_pop(L, 1);
}

/** luaCreateArray: push a table holding the strings as 1..n. */
export function pushStringArray(L: LuaState, items: string[], from: number, to: number): void {
  lua.lua_createtable(L, to - from, 0);
  for (let j = from; j < to; j++) {
    pushBytes(L, items[j]);
    lua.lua_rawseti(L, -2, j - from + 1);
  }
}
