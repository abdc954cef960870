import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLua51Syntax, normalizeLua51Source } from '../../../src/scripting/lua51/syntax.js';
import { fromUint8, toUint8 } from '../../../src/util/bytes.js';
import { fengari, lauxlib, lua, lualib } from '../../../src/scripting/lua-util.js';

interface Case {
  src: string;
  reply: string;
}
interface Fixture {
  compile: Case[];
  function: Case[];
  values: Case[];
}

// Recorded from Redis 7.0.15 by test/fixtures/lua51/gen-syntax.mjs. JSON keeps
// the byte strings as chars 0..255, which is redsim's byte-string form.
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/lua51/syntax.json', import.meta.url), 'utf8'),
) as Fixture;

/** What Redis replies for a compile result (its error path maps CR/LF to spaces). */
function asReply(message: string | null, prefix: string): string {
  if (message === null) return 'ok';
  return `ERR ${prefix}${message}`.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
}

describe('checkLua51Syntax vs Redis 7.0.15 (EVAL / SCRIPT LOAD)', () => {
  it('has a large fixture', () => {
    expect(fixture.compile.length).toBeGreaterThanOrEqual(150);
    expect(fixture.compile.filter((c) => c.reply === 'ok').length).toBeGreaterThan(30);
  });
  it.each(fixture.compile.map((c, i) => [i, JSON.stringify(c.src).slice(0, 70), c] as const))(
    '#%i %s',
    (_i, _label, c) => {
      const got = asReply(checkLua51Syntax(c.src, '@user_script'), 'Error compiling script (new function): ');
      expect(got).toBe(c.reply);
    },
  );
});

describe('checkLua51Syntax vs Redis 7.0.15 (FUNCTION LOAD)', () => {
  it.each(fixture.function.map((c) => [JSON.stringify(c.src).slice(0, 70), c] as const))('%s', (_label, c) => {
    // Redis compiles the payload from the newline that ends the shebang line.
    const message = checkLua51Syntax('\n' + c.src, '@user_function');
    if (message === null) expect(c.reply).not.toMatch(/^ERR Error compiling/);
    else expect(asReply(message, 'Error compiling function: ')).toBe(c.reply);
  });
});

describe('chunk names', () => {
  it('formats like luaO_chunkid', () => {
    expect(checkLua51Syntax('x', '=stdin')).toBe("stdin:1: '=' expected near '<eof>'");
    expect(checkLua51Syntax('x', 'return x')).toBe(`[string "return x"]:1: '=' expected near '<eof>'`);
    expect(checkLua51Syntax('x', 'a\nb')).toBe(`[string "a..."]:1: '=' expected near '<eof>'`);
    expect(checkLua51Syntax('x', '@' + 'n'.repeat(80))).toBe(`...${'n'.repeat(72)}:1: '=' expected near '<eof>'`);
  });
});

/** Runs a chunk on fengari (Lua 5.3) and returns its string result as bytes. */
function runOnFengari(src: string): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const st = lauxlib.luaL_loadbuffer(L, toUint8(src), null, fengari.to_luastring('=t'));
  if (st !== lua.LUA_OK) throw new Error('load: ' + lua.lua_tojsstring(L, -1));
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error('run: ' + lua.lua_tojsstring(L, -1));
  return fromUint8(lua.lua_tolstring(L, -1));
}

describe('normalizeLua51Source gives fengari 5.1 meaning', () => {
  it.each(fixture.values.map((c) => [JSON.stringify(c.src).slice(0, 70), c] as const))('%s', (_label, c) => {
    expect(runOnFengari(normalizeLua51Source(c.src))).toBe(c.reply);
  });

  it('keeps every token on its line', () => {
    const src = 'local goto = 1\nlocal s = "\\x41\\\n\\z"\nfunction f(...)\n return arg\nend\nreturn t.\n goto';
    const out = normalizeLua51Source(src);
    expect(out.split('\n').length).toBe(src.split('\n').length);
    expect(out).toBe(
      'local goto__0__ = 1\nlocal s = "x41\\\nz"\nfunction f(...) local arg={n=select(\'#\',...),...};\n return arg\nend\nreturn t[\n "goto"]',
    );
  });

  it('leaves plain sources untouched and rejects invalid ones', () => {
    const src = 'local a = "x\\n" return a .. [[\\x]]';
    expect(normalizeLua51Source(src)).toBe(src);
    expect(() => normalizeLua51Source('return 1 & 2')).toThrow("'<eof>' expected near '&'");
  });
});
