import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createTable51,
  installLua51TableOrder,
  luaNext51,
  registerNext51,
} from '../../../src/scripting/lua51/table-order.js';

const require = createRequire(import.meta.url);
const { lua, lauxlib, lualib, to_luastring, to_jsstring } = require('fengari');

interface Scenario {
  name: string;
  src: string;
  emu?: string;
  expected: string[];
}

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/lua51/table-order.json', import.meta.url)), 'utf8'),
) as { scenarios: Scenario[] };

installLua51TableOrder();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function newState(): any {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  registerNext51(L);
  return L;
}

/** Run a chunk; return its single table result as a list of strings. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runList(L: any, src: string): string[] {
  if (lauxlib.luaL_loadstring(L, to_luastring(src)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(to_jsstring(lua.lua_tostring(L, -1)));
  }
  const out: string[] = [];
  for (let i = 1; lua.lua_rawgeti(L, -1, i) !== lua.LUA_TNIL; i++) {
    const bytes: Uint8Array = lua.lua_tolstring(L, -1);
    out.push(Buffer.from(bytes).toString('latin1'));
    lua.lua_pop(L, 1);
  }
  lua.lua_settop(L, 0);
  return out;
}

describe('Lua 5.1 table order vs Redis 7.0.15 fixture', () => {
  it('has enough scenarios', () => {
    expect(fixture.scenarios.length).toBeGreaterThanOrEqual(150);
  });
  for (const s of fixture.scenarios) {
    it(s.name, () => {
      const L = newState();
      expect(runList(L, s.emu ?? s.src)).toEqual(s.expected);
    });
  }
});

describe('luaNext51 from the C API', () => {
  it('walks a table in 5.1 order and returns 0 at the end', () => {
    const L = newState();
    runList(L, 'return {}'); // warm up: state is usable
    lua.lua_newtable(L);
    for (const k of ['success', 'version', 'value']) {
      lua.lua_pushstring(L, to_luastring(k));
      lua.lua_pushinteger(L, 1);
      lua.lua_settable(L, -3);
    }
    const seen: string[] = [];
    lua.lua_pushnil(L);
    while (luaNext51(L, -2) !== 0) {
      seen.push(to_jsstring(lua.lua_tostring(L, -2)));
      lua.lua_pop(L, 1);
    }
    // Same as `local t = {} t.success=... t.version=... t.value=...` on Redis.
    const oracle = fixture.scenarios.find((x) => x.name === 'canonical fields assigned')!;
    expect(seen).toEqual(oracle.expected.slice(1).map((x) => x.slice(2)));
    expect(lua.lua_gettop(L)).toBe(1);
  });

  it('createTable51 presizes like lua_createtable in 5.1', () => {
    const L = newState();
    createTable51(L, 0, 3);
    for (const [k, v] of [['success', 1], ['version', 2], ['value', 3]] as const) {
      lua.lua_pushinteger(L, v);
      lua.lua_setfield(L, -2, to_luastring(k));
    }
    const seen: string[] = [];
    lua.lua_pushnil(L);
    while (luaNext51(L, -2) !== 0) {
      seen.push(to_jsstring(lua.lua_tostring(L, -2)));
      lua.lua_pop(L, 1);
    }
    // Presized to 4 nodes, like the {success=..., version=..., value=...} constructor.
    const oracle = fixture.scenarios.find((x) => x.name === 'canonical {success,version,value} constructor')!;
    expect(seen).toEqual(oracle.expected.slice(1).map((x) => x.slice(2)));
  });
});

describe('C API stores', () => {
  /** Keys of the table at the top of the stack, in luaNext51 order. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function keysAtTop(L: any): string[] {
    const seen: string[] = [];
    lua.lua_pushnil(L);
    while (luaNext51(L, -2) !== 0) {
      // lua_tostring would convert a number key in place and break next.
      lua.lua_pushvalue(L, -2);
      seen.push(to_jsstring(lua.lua_tostring(L, -1)));
      lua.lua_pop(L, 2);
    }
    return seen;
  }
  const expectedOf = (name: string) =>
    fixture.scenarios.find((x) => x.name === name)!.expected.slice(1).map((x) => x.slice(2));

  it('lua_setfield through __newindex leaves the nil-valued node 5.1 leaves', () => {
    const L = newState();
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_pushcfunction(L, () => 0);
    lua.lua_setfield(L, -2, to_luastring('__newindex'));
    lua.lua_setmetatable(L, -2);
    for (const k of ['a', 'b', 'c']) {
      lua.lua_pushinteger(L, 1);
      lua.lua_setfield(L, -2, to_luastring(k));
    }
    for (let i = 1; i <= 6; i++) {
      lua.lua_pushstring(L, to_luastring('x' + i));
      lua.lua_pushinteger(L, i);
      lua.lua_rawset(L, -3);
    }
    expect(keysAtTop(L)).toEqual(expectedOf('__newindex function leaves nil keys'));
  });

  it('lua_rawseti builds like Redis builds KEYS', () => {
    const L = newState();
    lua.lua_newtable(L);
    for (let i = 1; i <= 5; i++) {
      lua.lua_pushstring(L, to_luastring('x'));
      lua.lua_rawseti(L, -2, i);
    }
    lua.lua_pushinteger(L, 1);
    lua.lua_rawseti(L, -2, 10);
    lua.lua_pushinteger(L, 2);
    lua.lua_rawseti(L, -2, 7);
    expect(keysAtTop(L)).toEqual(expectedOf('ARGV of 5 then ints'));
  });
});

describe('5.1 next and pairs globals', () => {
  it('pairs returns an iterator distinct from next, as in 5.1', () => {
    const L = newState();
    // Redis: EVAL "return tostring(select(1,pairs({})) == next)" 0 -> "false"
    expect(runList(L, 'return {tostring(select(1, pairs({})) == next)}')).toEqual(['false']);
  });

  it('pairs ignores __pairs (5.1 has no such metamethod)', () => {
    const L = newState();
    const src = `local t = setmetatable({a=1}, {__pairs = function() error('called') end})
      local r = {} for k in pairs(t) do r[#r+1] = k end return r`;
    expect(runList(L, src)).toEqual(['a']);
  });

  it('next on a key that is not in the table raises the 5.1 message', () => {
    const L = newState();
    // Redis: EVAL "return {pcall(next, {}, 'zz')}" 0 -> (nil) "invalid key to 'next'"
    expect(runList(L, "local ok, e = pcall(next, {}, 'zz') return {tostring(ok), e}")).toEqual([
      'false',
      "invalid key to 'next'",
    ]);
  });

  it('next(t) on an empty table returns nil', () => {
    const L = newState();
    expect(runList(L, 'return {tostring(next({}))}')).toEqual(['nil']);
  });
});
