import { describe, it, expect } from 'vitest';
import { doubleToLongLong, pushReply, luaToReply, pushErrorTable } from '../../src/scripting/bridge.js';
import { createSandboxState } from '../../src/scripting/sandbox.js';
import { lua, luaToBytes, lstr } from '../../src/scripting/lua-util.js';
import { dumpLibraries, parseDump } from '../../src/scripting/functions.js';
import { crc64 } from '../../src/util/crc64.js';
import { lzfCompress } from '../../src/util/lzf.js';
import { parseEvalShebang, parseLibraryMeta } from '../../src/scripting/shebang.js';
import type { Reply } from '../../src/reply.js';

const roundTrip = (r: Reply, resp: 2 | 3, outResp: 2 | 3 = resp): Reply => {
  const L = createSandboxState('eval');
  pushReply(L, r, resp);
  return luaToReply(L, outResp);
};

describe('bridge conversions', () => {
  it('truncates numbers like (long long)d', () => {
    expect(doubleToLongLong(3.99)).toBe(3);
    expect(doubleToLongLong(-3.99)).toBe(-3);
    expect(doubleToLongLong(NaN)).toBe(-9223372036854775808n);
    expect(doubleToLongLong(1e20)).toBe(-9223372036854775808n);
    expect(doubleToLongLong(2 ** 60)).toBe(2n ** 60n);
  });
  it('RESP2 nil becomes false, which comes back as a nil reply', () => {
    expect(roundTrip({ t: 'nil' }, 2)).toEqual({ t: 'nil' });
  });
  it('status and error replies become ok/err tables', () => {
    expect(roundTrip({ t: 'status', v: 'OK' }, 2)).toEqual({ t: 'status', v: 'OK' });
    expect(roundTrip({ t: 'error', v: 'WRONGTYPE bad' }, 2)).toEqual({ t: 'error', v: 'WRONGTYPE bad' });
    expect(roundTrip({ t: 'error', v: 'NOSPACE' }, 2)).toEqual({ t: 'error', v: 'ERR NOSPACE' });
  });
  it('RESP3 typed replies survive the trip', () => {
    expect(roundTrip({ t: 'double', v: 1.5 }, 3)).toEqual({ t: 'double', v: 1.5 });
    expect(roundTrip({ t: 'bool', v: true }, 3)).toEqual({ t: 'bool', v: true });
    expect(roundTrip({ t: 'bignum', v: '123' }, 3)).toEqual({ t: 'bignum', v: '123' });
    expect(roundTrip({ t: 'verbatim', fmt: 'txt', v: 'x' }, 3)).toEqual({ t: 'verbatim', fmt: 'txt', v: 'x' });
    expect(roundTrip({ t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'int', v: 1 }]] }, 3))
      .toEqual({ t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'int', v: 1 }]] });
  });
  it('RESP2 flattens maps and stringifies doubles', () => {
    expect(roundTrip({ t: 'double', v: 1.5 }, 2)).toEqual({ t: 'bulk', v: '1.5' });
    expect(roundTrip({ t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'int', v: 1 }]] }, 2))
      .toEqual({ t: 'array', v: [{ t: 'bulk', v: 'k' }, { t: 'int', v: 1 }] });
    expect(roundTrip({ t: 'bool', v: true }, 2)).toEqual({ t: 'int', v: 1 });
  });
  it('arrays stop at the first nil and keep binary strings', () => {
    const L = createSandboxState('eval');
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushstring(L, Uint8Array.from([0, 255, 10]));
    lua.lua_rawseti(L, -2, 1);
    lua.lua_pushnumber(L, 2);
    lua.lua_rawseti(L, -2, 3);
    expect(luaToReply(L, 2)).toEqual({ t: 'array', v: [{ t: 'bulk', v: '\x00\xff\n' }] });
  });
  it('error buffers take their code from a leading dash', () => {
    const L = createSandboxState('eval');
    pushErrorTable(L, '-MYCODE some text\r\n', false);
    lua.lua_getfield(L, -1, lstr('err'));
    expect(luaToBytes(lua.lua_tolstring(L, -1))).toBe('MYCODE some text');
  });
});

describe('shebang', () => {
  it('parses eval flags and library metadata', () => {
    expect(parseEvalShebang('return 1')).toEqual({ ok: true, flags: 16, shebangLen: 0 });
    expect(parseEvalShebang('#!lua flags=no-writes,allow-oom\nreturn 1')).toEqual({ ok: true, flags: 3, shebangLen: 31 });
    expect(parseEvalShebang('#!lua flags=x\n')).toEqual({ ok: false, err: 'Unexpected flag in script shebang: x' });
    expect(parseLibraryMeta('#!lua name=lib\ncode')).toEqual({ ok: true, name: 'lib', engine: 'lua', code: '\ncode' });
  });
});

describe('function dump payload', () => {
  it('crc64 is Redis crc64 (jones)', () => {
    // Little-endian bytes of 0xe9c6d914c4b8d9ca.
    expect(Buffer.from(crc64('123456789'), 'latin1').toString('hex')).toBe('cad9b8c414d9c6e9');
  });
  it('round-trips compressed and raw payloads', () => {
    const long = '#!lua name=x\n' + 'redis.register_function("f", function() return 1 end)\n'.repeat(5);
    const codes = ['#!lua name=a\nshort', long];
    expect(parseDump(dumpLibraries(codes))).toEqual({ codes });
    expect(lzfCompress(Buffer.from('abcdefgh'), 4)).toBeNull();
  });
  it('rejects a bad checksum', () => {
    const d = dumpLibraries(['#!lua name=a\nx']);
    const bad = d.slice(0, 3) + String.fromCharCode(d.charCodeAt(3) ^ 1) + d.slice(4);
    expect(parseDump(bad)).toEqual({ err: 'DUMP payload version or checksum are wrong' });
  });
});
