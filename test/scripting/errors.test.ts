/**
 * JS exceptions inside scripts must surface as the Lua errors Redis 7.0.15
 * gives, never as "ERR internal error in redsim". Expected replies were taken
 * from a private redis-server 7.0.15 (SCRIPT FLUSH before each script, since
 * cjson's global configuration lives as long as the Lua state).
 */
import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { Reply } from '../../src/reply.js';
import { sha1hex } from '../../src/scripting/bridge.js';
import { createSandboxState, runChunk } from '../../src/scripting/sandbox.js';
import { lua, lstr, type LuaState } from '../../src/scripting/lua-util.js';

const sim = () => new RedSim({ clock: new VirtualClock(), seed: 1 });
const evalOn = (s: RedSim, body: string): Reply => {
  const r = s.connect().send('EVAL', body, 0);
  if (r instanceof Promise) throw new Error('unexpected async reply');
  return r;
};
const evalr = (body: string): Reply => evalOn(sim(), body);
const errOf = (body: string, msg: string): Reply => ({ t: 'error', v: `ERR user_script:1: ${msg} script: ${sha1hex(body)}, on @user_script:1.` });
const int = (v: number): Reply => ({ t: 'int', v });

/** A chain of `n` tables, each the only element (or field `key`) of the previous one. */
const chain = (n: number, key: string, max?: number) =>
  `local c = cjson.new() ${max ? `c.encode_max_depth(${max}) ` : ''}local t = {} local x = t for i = 1, ${n} do x[${key}] = {} x = x[${key}] end`;

describe('cjson nesting limits', () => {
  it('decodes up to decode_max_depth (1000) and replies with the nested arrays', () => {
    const s = sim();
    let expected: Reply = { t: 'array', v: [] };
    for (let i = 1; i < 999; i++) expected = { t: 'array', v: [expected] };
    expect(evalOn(s, "return cjson.decode(string.rep('[', 999) .. string.rep(']', 999))")).toEqual(expected);
    expect(evalOn(s, "return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))")).toEqual(int(1));
    const body = "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))";
    expect(evalOn(s, body)).toEqual(errOf(body, 'Found too many nested data structures (1001) at character 1001'));
    // the state is still usable afterwards
    expect(evalOn(s, 'return 1')).toEqual(int(1));
  });

  it('a raised decode_max_depth is honoured up to the Lua stack limit', () => {
    const depth = (n: number) =>
      `local c = cjson.new() c.decode_max_depth(5000) local t = c.decode(string.rep('[', ${n}) .. string.rep(']', ${n})) local d = 0 while t do d = d + 1 t = t[1] end return d`;
    expect(evalr(depth(5000))).toEqual(int(5000));
    const over = depth(5001);
    expect(evalr(over)).toEqual(errOf(over, 'Found too many nested data structures (5001) at character 5001'));
    const stack = "local c = cjson.new() c.decode_max_depth(100000) return c.decode(string.rep('[', 8000) .. string.rep(']', 8000))";
    expect(evalr(stack)).toEqual(errOf(stack, 'Found too many nested data structures (7999) at character 7999'));
  });

  it('encodes up to encode_max_depth, raised or not', () => {
    const at1000 = `${chain(1000, "'k'")} return cjson.encode(t)`;
    expect(evalr(at1000)).toEqual(errOf(at1000, 'Cannot serialise, excessive nesting (1001)'));
    expect(evalr(`${chain(4999, '1', 5000)} return #c.encode(t)`)).toEqual(int(10000));
    const at5000 = `${chain(5000, '1', 5000)} return c.encode(t)`;
    expect(evalr(at5000)).toEqual(errOf(at5000, 'Cannot serialise, excessive nesting (5001)'));
    const stack = `${chain(9000, '1', 100000)} return c.encode(t)`;
    expect(evalr(stack)).toEqual(errOf(stack, 'Cannot serialise, excessive nesting (7998)'));
  });
});

describe('cmsgpack, string and table functions with deep or huge input', () => {
  it('cmsgpack', () => {
    const deep = "return cmsgpack.unpack(string.rep('\\145', 5000) .. '\\1')";
    expect(evalr(deep)).toEqual(errOf(deep, 'stack overflow (in function mp_decode_to_lua_array)'));
    expect(evalr('local t = {} local x = t for i = 1, 100 do x[1] = {} x = x[1] end return cmsgpack.pack(t)'))
      .toEqual({ t: 'bulk', v: '\x91'.repeat(16) + '\xc0' });
    const many = "return select('#', cmsgpack.unpack(string.rep('\\1', 100000)))";
    expect(evalr(many)).toEqual(errOf(many, 'stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)'));
    expect(evalr('local t = {} for i = 1, 100000 do t[i] = i end return #cmsgpack.unpack(cmsgpack.pack(t))')).toEqual(int(100000));
  });

  it('string.rep and table.concat', () => {
    expect(evalr("return #string.rep('ab', 1e7, ',')")).toEqual(int(20000000));
    expect(evalr("local t = {} for i = 1, 100000 do t[i] = i end return #table.concat(t, ',')")).toEqual(int(588894));
    expect(evalr("local t = {} for i = 1, 100000 do t[i] = i end return table.concat(t, ',', 99999)")).toEqual({ t: 'bulk', v: '99999,100000' });
  });

  it('redis.call with thousands of arguments', () => {
    const tooMany = "local t = {} for i = 1, 10000 do t[i] = 'k' .. i end return redis.call('del', unpack(t))";
    expect(evalr(tooMany)).toEqual(errOf(tooMany, 'too many results to unpack'));
    expect(evalr("local t = {} for i = 1, 7990 do t[i] = 'k' .. i end return redis.call('del', unpack(t))")).toEqual(int(0));
    expect(evalr("local t = {} for i = 1, 7990 do t[i] = 'k' .. i end return #redis.call('mget', unpack(t))")).toEqual(int(7990));
  });

  it('struct', () => {
    const body = "return {struct.unpack(string.rep('b', 9000), string.rep('\\1', 9000))}";
    expect(evalr(body)).toEqual(errOf(body, 'stack overflow (too many results)'));
  });
});

describe('JS exceptions from C functions', () => {
  /** A sandbox with C functions that fail the ways JS code can. */
  const state = (): LuaState => createSandboxState('eval', {
    beforeLock: (L: LuaState) => {
      const deep = (n: number): number => (n === 0 ? 0 : 1 + deep(n - 1));
      lua.lua_pushcfunction(L, () => deep(1e9));
      lua.lua_setglobal(L, lstr('js_deep'));
      lua.lua_pushcfunction(L, () => new Array(2 ** 32).length);
      lua.lua_setglobal(L, lstr('js_alloc'));
      lua.lua_pushcfunction(L, () => { throw new TypeError('bad thing'); });
      lua.lua_setglobal(L, lstr('js_type'));
    },
  });

  it('running out of JS stack is a C stack overflow, catchable by pcall', () => {
    const L = state();
    expect(runChunk(L, 'return js_deep()')).toEqual({ ok: false, value: 'C stack overflow' });
    expect(runChunk(L, 'local ok, e = pcall(js_deep) return tostring(ok) .. " " .. e')).toEqual({ ok: true, value: 'false C stack overflow' });
    expect(runChunk(L, 'return 1 + 1')).toEqual({ ok: true, value: '2' });
  });

  it('a failed JS allocation is the Lua memory error', () => {
    const L = state();
    expect(runChunk(L, 'return js_alloc()')).toEqual({ ok: false, value: 'not enough memory' });
    expect(runChunk(L, 'local ok, e = pcall(js_alloc) return e')).toEqual({ ok: true, value: 'not enough memory' });
  });

  it('other JS errors keep their message', () => {
    expect(runChunk(state(), 'local ok, e = pcall(js_type) return e')).toEqual({ ok: true, value: 'bad thing' });
  });

  it('a readonly-table error from C has no position, as in Redis', () => {
    const body = 'table.insert(_G, 1)';
    expect(evalr(body)).toEqual({ t: 'error', v: `ERR Attempt to modify a readonly table script: ${sha1hex(body)}, on @user_script:1.` });
    expect(evalr('return {pcall(table.insert, _G, 1)}')).toEqual({ t: 'array', v: [{ t: 'nil' }, { t: 'bulk', v: 'Attempt to modify a readonly table' }] });
  });
});
