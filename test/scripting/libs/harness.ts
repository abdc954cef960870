/**
 * Test harness: a plain fengari state with the Redis libs loaded, running the
 * oracle fixture's scripts and converting results the way Redis converts a
 * script's return value to a RESP reply.
 */
import { openRedisLibs, setTableNext, hasTableNext51, formatG } from '../../../src/scripting/libs/index.js';
import { lua, lauxlib, lualib, bytesToLatin1, latin1ToBytes, type LuaState } from '../../../src/scripting/libs/lua-api.js';

export type FixtureReply =
  | { t: 'bulk' | 'status' | 'error' | 'int'; v: string }
  | { t: 'nil' | 'nilarray' }
  | { t: 'array'; v: FixtureReply[] };

// Hook up Lua 5.1 table order when that module exists (it is built separately).
const orderModules = (import.meta as unknown as { glob: (p: string, o: object) => Record<string, Record<string, unknown>> }).glob(
  '../../../src/scripting/lua51/table-order*.ts',
  { eager: true },
);
for (const m of Object.values(orderModules)) {
  if (typeof m.luaNext51 === 'function') setTableNext(m.luaNext51 as (L: LuaState, idx: number) => number);
}
export const tableOrder51 = hasTableNext51();

export function newState(): LuaState {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  openRedisLibs(L);
  // JS exceptions inside library code would otherwise escape pcall silently.
  lua.lua_atnativeerror(L, (L2: LuaState) => {
    const e = lua.lua_touserdata(L2, -1);
    lua.lua_pushstring(L2, 'JS exception: ' + String(e?.stack ?? e));
    return 1;
  });
  // Lua 5.1 prints every number with "%.14g" (5.3 would print 1.0 for floats).
  lua.lua_pushcfunction(L, (L2: LuaState) => {
    if (lua.lua_type(L2, 1) === lua.LUA_TNUMBER) {
      const s = formatG(lua.lua_tonumber(L2, 1), 14);
      lua.lua_pushstring(L2, s);
    } else {
      lauxlib.luaL_checkany(L2, 1);
      lauxlib.luaL_tolstring(L2, 1);
    }
    return 1;
  });
  lua.lua_setglobal(L, 'tostring');
  return L;
}

function toReply(L: LuaState, idx: number): FixtureReply {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TSTRING) return { t: 'bulk', v: bytesToLatin1(lua.lua_tolstring(L, idx)) };
  if (t === lua.LUA_TNUMBER) return { t: 'int', v: String(Math.trunc(lua.lua_tonumber(L, idx))) };
  if (t === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx) ? { t: 'int', v: '1' } : { t: 'nil' };
  if (t === lua.LUA_TTABLE) {
    const abs = lua.lua_absindex(L, idx);
    const out: FixtureReply[] = [];
    for (let j = 1; ; j++) {
      lua.lua_rawgeti(L, abs, j);
      if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
        lua.lua_pop(L, 1);
        break;
      }
      out.push(toReply(L, -1));
      lua.lua_pop(L, 1);
    }
    return { t: 'array', v: out };
  }
  return { t: 'nil' };
}

/** Runs EVAL-style: returns the reply, or an error reply with Lua's raw message. */
export function runScript(L: LuaState, source: string): FixtureReply {
  const code = latin1ToBytes(source);
  const top = lua.lua_gettop(L);
  let st = lauxlib.luaL_loadbuffer(L, code, code.length, latin1ToBytes('@user_script'));
  if (st === 0) st = lua.lua_pcall(L, 0, 1, 0);
  const r: FixtureReply = st === 0 ? toReply(L, -1) : { t: 'error', v: bytesToLatin1(lua.lua_tolstring(L, -1) ?? new Uint8Array()) };
  lua.lua_settop(L, top);
  return r;
}

/** Redis wraps script errors as "ERR <msg> script: <sha>, on @user_script:N."; keep <msg>. */
export function normalizeOracle(r: FixtureReply): FixtureReply {
  if (r.t !== 'error') return r;
  return { t: 'error', v: r.v.replace(/^ERR /, '').replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.$/, '') };
}
