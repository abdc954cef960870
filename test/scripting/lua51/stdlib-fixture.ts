/**
 * Shared runner for the Lua 5.1 standard-library fixtures recorded from
 * redis-server 7.0.15 (test/fixtures/lua51/gen-stdlib.mjs -> stdlib.json).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createSandboxState } from '../../../src/scripting/sandbox.js';
import { registerNext51 } from '../../../src/scripting/lua51/table-order.js';
import { lua, lauxlib, lstr, luaToBytes, bytesToLua } from '../../../src/scripting/lua-util.js';
import { script } from '../../fixtures/lua51/gen-stdlib.mjs';

interface Case { group: string; body: string; ok: boolean; value: string | null }
const all: Case[] = JSON.parse(readFileSync(new URL('../../fixtures/lua51/stdlib.json', import.meta.url), 'utf8'));

/** EVAL-like run (a state set up as eval.ts does, 5.1 table order included): the script returns one string (or raises). */
function run(body: string): { ok: boolean; value: string | null } {
  const L = createSandboxState('eval', { beforeLock: registerNext51 });
  const src = bytesToLua((script as (b: string) => string)(body));
  let st = lauxlib.luaL_loadbuffer(L, src, src.length, lstr('@user_script'));
  if (st === lua.LUA_OK) st = lua.lua_pcall(L, 0, 1, 0);
  const v: Uint8Array | null = lua.lua_tolstring(L, -1);
  return { ok: st === lua.LUA_OK, value: v === null ? null : luaToBytes(v) };
}

/** One vitest case per fixture entry of the given groups, compared with Redis's recorded result. */
export function describeFixture(title: string, groups: string[], minCases: number): void {
  const cases = all.filter((c) => groups.includes(c.group));
  describe(title, () => {
    it('has a substantial fixture', () => {
      expect(cases.length).toBeGreaterThanOrEqual(minCases);
    });
    for (const c of cases) {
      it(c.body, () => {
        expect(run(c.body)).toEqual({ ok: c.ok, value: c.value });
      });
    }
  });
}
