/**
 * Replays test/fixtures/lua51/libs.json (captured from Redis 7.0.15 by
 * gen-libs.mjs) against the TypeScript libraries in a fengari state.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newState, runScript, normalizeOracle, tableOrder51, type FixtureReply } from './harness.js';
// @ts-ignore plain ESM helper without types
import { PRELUDE } from '../../fixtures/lua51/libs-cases.mjs';

interface Case {
  name: string;
  group: string;
  lua: string;
  order?: boolean;
  n51?: boolean;
  reply: FixtureReply;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(fs.readFileSync(path.join(here, '../../fixtures/lua51/libs.json'), 'utf8')) as { cases: Case[] };

/** Cases that depend on something other than these libraries; see the report. */
const SKIP = new Set<string>([]);

describe('Redis Lua libs vs Redis 7.0.15 fixture', () => {
  const L = newState();
  it('fixture has enough cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(150);
  });
  for (const c of fixture.cases) {
    // order: needs Lua 5.1 traversal order (src/scripting/lua51/table-order*.ts);
    // n51: the script itself needs 5.1 numbers (e.g. the literal -0 is a float there).
    const skip = SKIP.has(c.name) || (c.order === true && !tableOrder51) || c.n51 === true;
    it.skipIf(skip)(c.name, () => {
      expect(runScript(L, (PRELUDE as string) + c.lua)).toEqual(normalizeOracle(c.reply));
    });
  }
});
