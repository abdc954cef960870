import { describe, it, expect } from 'vitest';
import { createSandboxState, runChunk, GLOBALS_API_NAME, isReadonly } from '../../src/scripting/sandbox.js';
import { lua, lstr, pushBytes, toBytes } from '../../src/scripting/lua-util.js';

describe('createSandboxState', () => {
  it('registers libraries from beforeLock and then locks them', () => {
    const L = createSandboxState('eval', {
      beforeLock(L2) {
        lua.lua_newtable(L2);
        lua.lua_pushcfunction(L2, (L3: unknown) => { pushBytes(L3, 'hi\x00\xff'); return 1; });
        lua.lua_setfield(L2, -2, lstr('hello'));
        lua.lua_setglobal(L2, lstr('mylib'));
      },
    });
    expect(runChunk(L, 'return mylib.hello()')).toEqual({ ok: true, value: 'hi\x00\xff' });
    expect(runChunk(L, 'mylib.x = 1')).toEqual({ ok: false, value: 'user_script:1: Attempt to modify a readonly table' });
  });

  it('turns a JS exception inside a C function into a Lua error', () => {
    const L = createSandboxState('eval', {
      beforeLock(L2) {
        lua.lua_pushcfunction(L2, () => { throw new Error('boom from js'); });
        lua.lua_setglobal(L2, lstr('explode'));
      },
    });
    expect(runChunk(L, "local ok, e = pcall(explode) return tostring(ok)..' '..e")).toEqual({ ok: true, value: 'false boom from js' });
  });

  it('function kind: empty locked globals whose __index is the real globals', () => {
    const L = createSandboxState('function');
    expect(runChunk(L, 'return tostring(type(string.len))')).toEqual({ ok: true, value: 'function' });
    expect(runChunk(L, 'x = 1').value).toBe('user_script:1: Attempt to modify a readonly table');
    expect(runChunk(L, 'return y').value).toBe("user_script:1: Script attempted to access nonexistent global variable 'y'");
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(GLOBALS_API_NAME));
    expect(isReadonly(L, -1)).toBe(true);
    lua.lua_pop(L, 1);
  });

  it('has no io/os/package/debug/fengari/js', () => {
    const L = createSandboxState('eval');
    for (const g of ['io', 'os', 'package', 'require', 'debug', 'dofile', 'loadfile', 'print', 'utf8', 'fengari', 'js', 'rawlen']) {
      expect(runChunk(L, `return rawget(_G, '${g}') == nil and 'none' or 'present'`).value).toBe('none');
    }
  });

  it('survives runaway recursion, and huge repetition', () => {
    const L = createSandboxState('eval');
    expect(runChunk(L, 'local function f() return f() + 1 end return f()').value).toBe('user_script:1: stack overflow');
    expect(runChunk(L, "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x").ok).toBe(false);
    expect(runChunk(L, "return #string.rep('x', 2^31 - 1)").value).toMatch(/not enough memory/);
    // the state is still usable afterwards
    expect(runChunk(L, 'return tostring(1 + 1)').value).toBe('2');
  });

  it('string metatable is read-only and strings index the string table', () => {
    const L = createSandboxState('eval');
    expect(runChunk(L, "return ('abc'):upper()").value).toBe('ABC');
    pushBytes(L, 'z');
    expect(toBytes(L, -1)).toBe('z');
    lua.lua_pop(L, 1);
  });
});
