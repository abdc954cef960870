/**
 * Differential test: Lua 5.1 string library against results recorded from
 * redis-server 7.0.15 (test/fixtures/lua51/gen-stdlib.mjs -> stdlib.json),
 * run through the same serializing prelude in our sandbox.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createSandboxState } from '../../../src/scripting/sandbox.js';
import { registerNext51 } from '../../../src/scripting/lua51/table-order.js';
import { lua, lauxlib, lstr, luaToBytes, bytesToLua } from '../../../src/scripting/lua-util.js';
import { script } from '../../fixtures/lua51/gen-stdlib.mjs';

interface Case { group: string; body: string; ok: boolean; value: string | null }
const all: Case[] = JSON.parse(readFileSync(new URL('../../fixtures/lua51/stdlib.json', import.meta.url), 'utf8'));
const cases = all.filter((c) => c.group === 'string');

/** EVAL-like run (a state set up as eval.ts does, 5.1 table order included): the script returns one string (or raises). */
function run(body: string): { ok: boolean; value: string | null } {
  const L = createSandboxState('eval', { beforeLock: registerNext51 });
  const src = bytesToLua((script as (b: string) => string)(body));
  let st = lauxlib.luaL_loadbuffer(L, src, src.length, lstr('@user_script'));
  if (st === lua.LUA_OK) st = lua.lua_pcall(L, 0, 1, 0);
  const v: Uint8Array | null = lua.lua_tolstring(L, -1);
  return { ok: st === lua.LUA_OK, value: v === null ? null : luaToBytes(v) };
}

describe('Lua 5.1 string library vs redis 7.0.15', () => {
  it('has a substantial fixture', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });
  for (const c of cases) {
    it(c.body, () => {
      expect(run(c.body)).toEqual({ ok: c.ok, value: c.value });
    });
  }
});
