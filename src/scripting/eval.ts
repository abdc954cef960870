/**
 * EVAL / EVALSHA / EVAL_RO / EVALSHA_RO and the script cache (eval.c).
 *
 * One Lua state per server for all EVAL scripts; each body is compiled once
 * and kept in the registry as f_<sha1>, like Redis. SCRIPT FLUSH drops the
 * state and starts a new one.
 */
import { sdsAlloc } from '../keyspace/memsize.js';
import type { RedSim } from '../server.js';
import type { Ctx } from '../context.js';
import type { Reply } from '../reply.js';
import { err, bulk } from '../reply.js';
import { lua, lauxlib, LuaState, bytesToLua, lstr, pushBytes } from './lua-util.js';
import { createSandboxState } from './sandbox.js';
import { openRedisLibs } from './libs/index.js';
import { registerNext51 } from './lua51/table-order.js';
import { checkLua51Syntax, normalizeLua51Source } from './lua51/syntax.js';
import { ScriptEngine, newRunCtx, parseNumkeys, registerErrHandlerGlobal } from './engine.js';
import { registerRedisApi, sha1hex, pushStringArray } from './bridge.js';
import { parseEvalShebang, SCRIPT_FLAG } from './shebang.js';
import { tableObjectAt } from './sandbox.js';

export const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

export interface CachedScript {
  sha: string;
  body: string;
  flags: number;
  /** luaL_ref of the compiled function in the registry (also stored as f_<sha>). */
  ref: number;
}

/** Bodies longer than this are hashed on every EVAL instead of being cached by text. */
const BODY_CACHE_MAX_LEN = 64 * 1024;

export class EvalScripts {
  engine!: ScriptEngine;
  readonly scripts = new Map<string, CachedScript>();
  /** body -> sha, so a repeated EVAL does not hash its body again. */
  private readonly bodySha = new Map<string, string>();

  constructor(readonly server: RedSim) {
    this.reset();
  }

  /** scriptingInit / scriptingReset: a brand new Lua state and an empty cache. */
  reset(): void {
    this.scripts.clear();
    this.bodySha.clear();
    this.engine = new ScriptEngine(this.server, 'eval', (engine) => createSandboxState('eval', {
      validateChunk: checkLua51Syntax,
      beforeLock: (L: LuaState) => {
        registerNext51(L);
        openRedisLibs(L);
        registerRedisApi(L, engine);
        registerErrHandlerGlobal(L);
      },
    }));
  }

  shaOf(body: string): string {
    let sha = this.bodySha.get(body);
    if (sha === undefined) {
      sha = sha1hex(body);
      if (body.length <= BODY_CACHE_MAX_LEN) {
        if (this.bodySha.size > 10000) this.bodySha.clear();
        this.bodySha.set(body, sha);
      }
    }
    return sha;
  }

  /**
   * luaCreateFunction: compile the body (once) and cache it. Returns the
   * cache entry or an error reply.
   */
  create(body: string): CachedScript | Reply {
    const sha = this.shaOf(body);
    const have = this.scripts.get(sha);
    if (have) return have;
    const sb = parseEvalShebang(body);
    if (!sb.ok) return err('ERR ' + sb.err);
    const src = body.slice(sb.shebangLen);
    const syntaxErr = checkLua51Syntax(src, '@user_script');
    if (syntaxErr !== null) return err(`ERR Error compiling script (new function): ${syntaxErr}`.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' '));
    const L = this.engine.L;
    const code = bytesToLua(normalizeLua51Source(src));
    if (lauxlib.luaL_loadbuffer(L, code, code.length, lstr('@user_script')) !== lua.LUA_OK) {
      const msg = lua.lua_tolstring(L, -1);
      lua.lua_pop(L, 1);
      return err(`ERR Error compiling script (new function): ${msg ? Buffer.from(msg).toString('latin1') : ''}`.replace(/[\r\n]/g, ' '));
    }
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr('f_' + sha));
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const s: CachedScript = { sha, body, flags: sb.flags, ref };
    this.scripts.set(sha, s);
    return s;
  }

  /** evalGenericCommand */
  eval(ctx: Ctx, argv: string[], evalsha: boolean, ro: boolean): Reply | Promise<Reply> {
    if (evalsha && argv[1].length !== 40) return err(NOSCRIPT);
    const numkeys = parseNumkeys(argv, 'ERR value is not an integer or out of range');
    if (typeof numkeys !== 'number') return numkeys;
    let script: CachedScript | undefined;
    if (evalsha) {
      script = this.scripts.get(argv[1].toLowerCase());
      if (!script) return err(NOSCRIPT);
    } else {
      const c = this.create(argv[1]);
      if ('t' in c) return c;
      script = c;
    }
    const compat = (script.flags & SCRIPT_FLAG.EVAL_COMPAT_MODE) !== 0;
    const noWrites = !compat && (script.flags & SCRIPT_FLAG.NO_WRITES) !== 0;
    if (!compat && (script.flags & SCRIPT_FLAG.NO_CLUSTER) !== 0 && this.server.ext.cluster) {
      return err("ERR Can not run script on cluster, 'no-cluster' flag is set.");
    }
    if (!compat && !noWrites && ro) return err('ERR Can not execute a script with write flag using *_ro command.');
    const engine = this.engine;
    const rc = newRunCtx(this.server, engine, ctx.client, argv, script.sha, true, ro || noWrites,
      !compat && (script.flags & SCRIPT_FLAG.ALLOW_OOM) !== 0);
    rc.allowCrossSlot = compat || (script.flags & SCRIPT_FLAG.ALLOW_CROSS_SLOT) !== 0;
    const ref = script.ref;
    return engine.execute(rc, (T) => {
      // KEYS and ARGV are globals: open the locked global table to set them.
      lua.lua_pushglobaltable(T);
      const g = tableObjectAt(T, -1);
      g.readonly = false;
      pushBytes(T, 'KEYS');
      pushStringArray(T, argv, 3, 3 + numkeys);
      // rawset stores exactly what lua_setglobal would: the globals have no
      // __newindex, and the key lands in the same 5.1 node either way.
      lua.lua_rawset(T, -3);
      pushBytes(T, 'ARGV');
      pushStringArray(T, argv, 3 + numkeys, argv.length);
      lua.lua_rawset(T, -3);
      g.readonly = true;
      lua.lua_pop(T, 1);
      lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, ref);
      return 0;
    });
  }

  /** SCRIPT LOAD */
  load(body: string): Reply {
    const c = this.create(body);
    if ('t' in c) return c;
    return bulk(c.sha);
  }
}

const perServer = new WeakMap<RedSim, EvalScripts>();

export function evalScriptsOf(server: RedSim): EvalScripts {
  let s = perServer.get(server);
  if (!s) {
    s = new EvalScripts(server);
    perServer.set(server, s);
    server.ext.scriptCount = () => s!.scripts.size;
    // The executor's OOM check reads a cached script's flags (evalGetCommandFlags).
    server.ext.scriptFlagsBySha = (sha: string) => s!.scripts.get(sha.toLowerCase())?.flags;
    // used_memory_scripts_eval: each script's SHA and body as sds strings (lua_scripts_mem).
    server.ext.scriptBytes = () => { let n = 0; for (const sc of s!.scripts.values()) n += sdsAlloc(40) + sdsAlloc(sc.body.length); return n; };
  }
  return s;
}
