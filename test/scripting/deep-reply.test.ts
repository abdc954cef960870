import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { pushReply, luaToReply } from '../../src/scripting/bridge.js';
import { createSandboxState } from '../../src/scripting/sandbox.js';
import { lua } from '../../src/scripting/lua-util.js';
import { encodeReply, encodeReplyString } from '../../src/resp/encode.js';
import { renderReply, renderReplyRaw } from '../../src/resp/render.js';
import { toJs } from '../../src/api.js';
import type { Reply } from '../../src/reply.js';

const sim = () => new RedSim({ clock: new VirtualClock(), seed: 1 });
const chain = (n: number) => `local t = {} local c = t for i = 1, ${n} do c[1] = {} c = c[1] end return t`;

/** [[[...[]...]]] n levels around an empty array. */
function nested(n: number, inner: Reply = { t: 'array', v: [] }): Reply {
  let r = inner;
  for (let i = 0; i < n; i++) r = { t: 'array', v: [r] };
  return r;
}

/** How many arrays of one element wrap the innermost value, and that value. */
function unwrap(r: Reply): { depth: number; inner: Reply } {
  let depth = 0;
  while (r.t === 'array' && r.v.length === 1) { r = r.v[0]; depth++; }
  return { depth, inner: r };
}

describe('deeply nested script replies', () => {
  // Redis 7.0.15: a 7994-deep chain comes back whole; at 7995 the innermost
  // table fails lua_checkstack(4) (LUAI_MAXCSTACK 8000) and is replaced by the error.
  it('returns a chain up to the Lua stack limit, as Redis does', () => {
    const c = sim().connect();
    for (const n of [100, 1000, 5000, 7994]) {
      const r = c.send('EVAL', chain(n), 0) as Reply;
      expect(encodeReply(r, 2).toString('latin1')).toBe('*1\r\n'.repeat(n) + '*0\r\n');
    }
    const r = c.send('EVAL', chain(7995), 0) as Reply;
    expect(encodeReply(r, 2).toString('latin1')).toBe('*1\r\n'.repeat(7995) + '-ERR reached lua stack limit\r\n');
    expect(encodeReply(c.send('EVAL', chain(9000), 0) as Reply, 3).toString('latin1'))
      .toBe('*1\r\n'.repeat(7995) + '-ERR reached lua stack limit\r\n');
  });

  it('RESP3 maps take three stack slots a level (Redis: 2664 fit, 2665 hit the limit)', () => {
    const c = sim().connect();
    const script = (n: number) => `redis.setresp(3) local t = {} local c = t for i = 1, ${n} do local m = {} c.map = {k = m} c = m end return t`;
    let r = c.send('EVAL', script(2664), 0) as Reply;
    let d = 0;
    while (r.t === 'map') { expect(r.v).toHaveLength(1); expect(r.v[0][0]).toEqual({ t: 'bulk', v: 'k' }); r = r.v[0][1]; d++; }
    expect(d).toBe(2664);
    expect(r).toEqual({ t: 'array', v: [] });
    r = c.send('EVAL', script(2665), 0) as Reply;
    d = 0;
    while (r.t === 'map' && r.v[0][0].t === 'bulk') { r = r.v[0][1]; d++; }
    expect(d).toBe(2664);
    // the key and the value of the deepest pair each convert to the error
    expect(r).toEqual({ t: 'map', v: [[{ t: 'error', v: 'ERR reached lua stack limit' }, { t: 'error', v: 'ERR reached lua stack limit' }]] });
  });

  it('deep replies reach callers as JS values', () => {
    const c = sim().connect();
    let v = c.callSync('EVAL', chain(6000), 0) as unknown[];
    let d = 0;
    while (v.length === 1) { v = v[0] as unknown[]; d++; }
    expect(d).toBe(6000);
    expect(v).toEqual([]);
  });

  it('a deep reply pushed into Lua comes back unchanged', () => {
    const L = createSandboxState('eval');
    const deep = nested(7000, { t: 'bulk', v: 'x' });
    pushReply(L, deep, 2);
    expect(lua.lua_gettop(L)).toBe(1);
    // read it back from Lua: 7000 tables deep, then the string
    let depth = 0;
    while (lua.lua_type(L, -1) === lua.LUA_TTABLE) { lua.lua_rawgeti(L, -1, 1); lua.lua_remove(L, -2); depth++; }
    expect(depth).toBe(7000);
    expect(lua.lua_tojsstring(L, -1)).toBe('x');
  });

  it('deep RESP3 maps and sets round-trip through Lua', () => {
    const L = createSandboxState('eval');
    let r: Reply = { t: 'int', v: 7 };
    for (let i = 0; i < 1000; i++) r = i % 2 ? { t: 'map', v: [[{ t: 'bulk', v: 'k' + i }, r]] } : { t: 'set', v: [r] };
    pushReply(L, r, 3);
    lua.lua_settop(L, 1);
    // a table inside a Lua set is a key: it comes back as itself
    expect(luaToReply(L, 3)).toEqual(r);
    expect(lua.lua_gettop(L)).toBe(0);
  });
});

describe('encoding, rendering and toJs of deep replies', () => {
  it('encodes every aggregate kind past the recursion threshold', () => {
    let r: Reply = { t: 'bulk', v: 'x' };
    let want2 = '$1\r\nx\r\n';
    let want3 = want2;
    for (let i = 0; i < 10000; i++) {
      switch (i % 4) {
        case 0: r = { t: 'array', v: [r, { t: 'int', v: i }] }; want2 = '*2\r\n' + want2 + ':' + i + '\r\n'; want3 = '*2\r\n' + want3 + ':' + i + '\r\n'; break;
        case 1: r = { t: 'set', v: [r] }; want2 = '*1\r\n' + want2; want3 = '~1\r\n' + want3; break;
        case 2: r = { t: 'push', v: [r] }; want2 = '*1\r\n' + want2; want3 = '>1\r\n' + want3; break;
        default: r = { t: 'map', v: [[{ t: 'double', v: 1.5 }, r]] }; want2 = '*2\r\n$3\r\n1.5\r\n' + want2; want3 = '%1\r\n,1.5\r\n' + want3;
      }
    }
    expect(encodeReplyString(r, 2)).toBe(want2);
    expect(encodeReplyString(r, 3)).toBe(want3);
  });

  it('renders like redis-cli at any depth', () => {
    // redis-cli --no-raw: "1) 1) 1) (empty array)"
    expect(renderReply(nested(3))).toBe('1) 1) 1) (empty array)\n');
    expect(renderReply(nested(9000))).toBe('1) '.repeat(9000) + '(empty array)\n');
    const two: Reply = { t: 'array', v: [{ t: 'int', v: 1 }, { t: 'int', v: 2 }] };
    // a map value spanning lines goes on its own line, indented under the key
    const m = (inner: Reply): Reply => ({ t: 'map', v: [[{ t: 'bulk', v: 'b' }, inner]] });
    expect(renderReply({ t: 'map', v: [[{ t: 'bulk', v: 'a' }, m(two)], [{ t: 'bulk', v: 'c' }, { t: 'int', v: 1 }]] }, 3))
      .toBe('1# "a" => \n   1# "b" => \n      1) (integer) 1\n      2) (integer) 2\n2# "c" => (integer) 1\n');
    expect(renderReplyRaw(nested(9000, { t: 'array', v: [{ t: 'bulk', v: 'x' }, { t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'int', v: 5 }]] }] }), 3))
      .toBe('x\nk 5');
  });

  it('toJs converts past the recursion threshold the same way', () => {
    let r: Reply = { t: 'double', v: 2.5 };
    let want2: unknown = '2.5';
    let want3: unknown = 2.5;
    for (let i = 0; i < 600; i++) {
      if (i % 2) {
        r = { t: 'array', v: [r, { t: 'nil' }] };
        want2 = [want2, null];
        want3 = [want3, null];
      } else {
        const key: Reply = { t: 'array', v: [{ t: 'bulk', v: 'a' }, { t: 'int', v: i }] };
        r = { t: 'map', v: [[key, r]] };
        want2 = [['a', i], want2];
        want3 = { ['a,' + i]: want3 };
      }
    }
    expect(toJs(r, {}, 2)).toEqual(want2);
    expect(toJs(r, {}, 3)).toEqual(want3);
    const buf = toJs(nested(3000, { t: 'bulk', v: 'x' }), { buffers: true }) as unknown[];
    let v: unknown = buf;
    while (Array.isArray(v)) v = v[0];
    expect(v).toEqual(Buffer.from('x'));
  });
});
