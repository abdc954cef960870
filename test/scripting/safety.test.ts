import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { Reply } from '../../src/reply.js';
import { sha1hex } from '../../src/scripting/bridge.js';

const sim = () => new RedSim({ clock: new VirtualClock(), seed: 1 });
const evalr = (body: string): Reply => {
  const r = sim().connect().send('EVAL', body, 0);
  if (r instanceof Promise) throw new Error('unexpected async reply');
  return r;
};
const errOf = (body: string, msg: string) => ({ t: 'error', v: `${msg} script: ${sha1hex(body)}, on @user_script:1.` });

// Expected texts are Redis 7.0.15's, taken from a private redis-server run
// under `ulimit -v 4000000` (so its allocations fail instead of the host's).
describe('memory limits', () => {
  it('a doubling concat loop fails fast with the Lua memory error', () => {
    const body = "local s='x' while true do s = s .. s end";
    expect(evalr(body)).toEqual({ t: 'error', v: `ERR Error running script ${sha1hex(body)}, not enough memory` });
  });

  it('string.rep past the cap', () => {
    const body = "return string.rep('x', 2^30, 'yy')";
    const r = evalr(body) as { t: string; v: string };
    expect(r.t).toBe('error');
    expect(r.v).toContain('not enough memory');
    // 2^31 wraps to a negative int in luaL_checkint: empty string, as in Redis
    expect(evalr("return string.rep('x', 2^31)")).toEqual({ t: 'bulk', v: '' });
  });
});

describe('recursion and metatable chains', () => {
  it('deep Lua recursion is a stack overflow, at 5.1 depth', () => {
    const body = 'local function f(n) return 1+f(n+1) end return f(1)';
    expect(evalr(body)).toEqual(errOf(body, 'ERR user_script:1: stack overflow'));
    expect(evalr('local function f(n) if n == 0 then return 0 end return 1+f(n-1) end return f(16000)')).toEqual({ t: 'int', v: 16000 });
    expect(evalr('local function f(n) if n == 0 then return 0 end return 1+f(n-1) end return {pcall(f, 17000)}')).toEqual(
      { t: 'array', v: [{ t: 'nil' }, { t: 'bulk', v: 'user_script:1: stack overflow' }] });
  });

  it('deep recursion inside a coroutine is reported by resume', () => {
    const body = 'local co=coroutine.create(function() local function r() return 1+r() end return r() end) return {coroutine.resume(co)}';
    expect(evalr(body)).toEqual({ t: 'array', v: [{ t: 'nil' }, { t: 'bulk', v: 'user_script:1: stack overflow' }] });
  });

  it('recursion through C functions is a C stack overflow', () => {
    for (const body of [
      "local function f() return string.gsub('a','a',f) end return f()",
      'local function f() return tostring(setmetatable({}, {__tostring=f})) end return f()',
    ]) {
      expect(evalr(body)).toEqual(errOf(body, 'ERR C stack overflow'));
    }
  });

  it('an __index chain longer than 100 is a loop in gettable', () => {
    for (const body of [
      'local t={} for i=1,3000 do t=setmetatable({}, {__index=t}) end return t.x',
      'local t=setmetatable({}, {}) getmetatable(t).__index=t return t.x',
    ]) {
      expect(evalr(body)).toEqual(errOf(body, 'ERR user_script:1: loop in gettable'));
    }
  });
});

describe('sandbox', () => {
  it('error values that are not strings', () => {
    expect(evalr("error({err='MYERR boom'})")).toEqual(errOf("error({err='MYERR boom'})", 'MYERR boom'));
    expect(evalr('error(nil)')).toEqual(errOf('error(nil)', 'ERR nil'));
    expect(evalr('error(true)')).toEqual(errOf('error(true)', 'ERR true'));
    expect(evalr('error(12)')).toEqual(errOf('error(12)', 'ERR user_script:1: 12'));
    // these crash Redis 7.0.15; redsim answers an error reply instead
    for (const body of ['error({})', "error(setmetatable({}, {__tostring=function() error('boom') end}))"]) {
      expect(evalr(body).t).toBe('error');
    }
  });

  it('scripts cannot run scripts', () => {
    for (const cmd of ["'EVAL', 'return 1', 0", "'FCALL', 'x', 0", "'SCRIPT', 'KILL'"]) {
      const body = `return redis.call(${cmd})`;
      expect(evalr(body)).toEqual(errOf(body, 'ERR This Redis command is not allowed from script'));
    }
  });

  it('binary chunks do not load', () => {
    const body = 'return loadstring(string.dump(function() return 1 end))()';
    expect(evalr(body)).toEqual(errOf(body, 'ERR user_script:1: attempt to call a nil value'));
  });
});
