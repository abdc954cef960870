import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { Reply } from '../../src/reply.js';
import { evalScriptsOf } from '../../src/scripting/eval.js';
import { scriptingOf } from '../../src/scripting/engine.js';
import { sha1hex as sha1 } from '../../src/scripting/bridge.js';

const BUSY = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const killed = (line: number) => new RegExp(`^ERR Script killed by user with SCRIPT KILL\\.\\.\\. script: [0-9a-f]{40}, on @user_script:${line}\\.$`);

function setup() {
  const s = new RedSim({ clock: new VirtualClock(), seed: 1, config: { 'busy-reply-threshold': 50 } });
  return { s, a: s.connect(), b: s.connect() };
}

/** Run `body` on b; it must go async, a must see BUSY, SCRIPT KILL must end it with the kill error. */
async function expectKillable(body: string, line = 1): Promise<void> {
  const { a, b } = setup();
  const p = b.send('EVAL', body, 0);
  expect(p).toBeInstanceOf(Promise);
  expect(a.send('PING')).toEqual({ t: 'error', v: BUSY });
  expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'status', v: 'OK' });
  const r = (await p) as Reply & { v: string };
  expect(r.t).toBe('error');
  expect(r.v).toMatch(killed(line));
  expect(a.send('PING')).toEqual({ t: 'status', v: 'PONG' });
}

describe('busy scripts inside script coroutines are killable', () => {
  it('coroutine.wrap loop', () => expectKillable('coroutine.wrap(function() while true do end end)()'));
  // The kill error ends the coroutine it hit; resume hands it to the script
  // (as in Redis), and the next line of the run thread raises it again.
  it('coroutine.resume loop', () => expectKillable(
    'local ok, e = coroutine.resume(coroutine.create(function() while true do end end))\nreturn e', 2));
  it('nested coroutines', () => expectKillable(
    'coroutine.wrap(function() coroutine.resume(coroutine.create(function() while true do end end))\nend)()'));
  it('pcall and xpcall inside a coroutine', () => expectKillable(
    'coroutine.wrap(function() pcall(xpcall, function() while true do end end, function(e) return e end)\nend)()'));
  it('pcall swallowing the kill in a loop', () => expectKillable(
    'while true do pcall(coroutine.wrap(function() while true do end end)) end'));
  it('a metamethod called from Lua code', () => expectKillable(
    "local t = setmetatable({}, {__index=function() while true do end end}) return t.x"));
  it('a tail-call loop', () => expectKillable('local function f(n) return f(n+1) end return f(1)'));
});

describe('a coroutine interrupted by the event loop continues where it was', () => {
  it('yields and results pass through untouched', async () => {
    const { a, b } = setup();
    const body = `
      local co = coroutine.create(function(x)
        local n = 0
        for i = 1, 1000000 do n = n + 1 end
        local y = coroutine.yield(x + n)
        for i = 1, 1000000 do n = n + 1 end
        return y .. ':' .. n
      end)
      local ok1, v1 = coroutine.resume(co, 5)
      local ok2, v2 = coroutine.resume(co, 'y')
      local ok3, e3 = coroutine.resume(co)
      local w = coroutine.wrap(function() for i = 1, 1000000 do end return 'w' end)
      return {tostring(ok1), v1, tostring(ok2), v2, tostring(ok3), e3, w(), coroutine.status(co)}`;
    const p = b.send('EVAL', body, 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('PING')).toEqual({ t: 'error', v: BUSY });
    const r = await p;
    expect(r).toEqual({ t: 'array', v: [
      { t: 'bulk', v: 'true' }, { t: 'int', v: 1000005 }, { t: 'bulk', v: 'true' }, { t: 'bulk', v: 'y:2000000' },
      { t: 'bulk', v: 'false' }, { t: 'bulk', v: 'cannot resume dead coroutine' }, { t: 'bulk', v: 'w' },
      { t: 'bulk', v: 'dead' },
    ] });
  });
});

describe('endless loops inside callbacks of library functions (issue 7, freezes 5 and 6)', () => {
  // Redis's hook runs inside any callback; ours yields through yieldableCFunction.
  it('table.sort comparator', () => expectKillable('table.sort({3, 2, 1}, function(a, b) while true do end end)'));
  it('__lt during a sort without comparator', () => expectKillable(
    'local mt = {__lt = function() while true do end end} table.sort({setmetatable({}, mt), setmetatable({}, mt), setmetatable({}, mt)})'));
  it('gsub callback', () => expectKillable("string.gsub('abc', '%w', function() while true do end end)"));
  it('gsub table with a looping __index', () => expectKillable(
    "string.gsub('abc', '%w', setmetatable({}, {__index = function() while true do end end}))"));
  it('__tostring called by tostring()', () => expectKillable(
    'tostring(setmetatable({}, {__tostring = function() while true do end end}))'));
  it('table.foreach and table.foreachi', async () => {
    await expectKillable('table.foreach({1}, function() while true do end end)');
    await expectKillable('table.foreachi({1}, function() while true do end end)');
  });
  it('pcall cannot swallow the kill', () =>
    expectKillable('while true do pcall(table.sort, {3, 2, 1}, function() while true do end end) end'));

  /** Killed inside a protected callback: the script gets control back and returns `expected`. */
  async function expectKilledInside(body: string, expected: Reply): Promise<void> {
    const { a, b } = setup();
    const p = b.send('EVAL', body, 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('PING')).toEqual({ t: 'error', v: BUSY });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'status', v: 'OK' });
    expect(await p).toEqual(expected);
  }
  // load parses in protected mode in 5.1: the kill error becomes load's (nil, err) and the
  // chunk ends (Redis 7.0.15 answers nil the same way)
  it('load reader', () => expectKilledInside('load(function() while true do end end)', { t: "nil" } as unknown as Reply));
  it('xpcall message handler', () => expectKilledInside(
    "xpcall(function() error('x') end, function() while true do end end)", { t: "nil" } as unknown as Reply));

  it('a callback that already wrote is UNKILLABLE, as in Redis', async () => {
    const { s, a, b } = setup();
    const p = b.send('EVAL', "redis.call('set', 'k', 'v') table.sort({3, 2, 1}, function() while true do end end)", 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('PING')).toEqual({ t: 'error', v: BUSY });
    expect((a.send('SCRIPT', 'KILL') as { v: string }).v).toMatch(/^UNKILLABLE /);
    // end it the way SHUTDOWN NOSAVE would not: flip the kill flag from here
    scriptingOf(s).current!.killed = true;
    expect(((await p) as { v: string }).v).toMatch(killed(1));
  });

  it('coroutine.yield inside a callback is still refused as in 5.1', () => {
    const { b } = setup();
    expect(b.send('EVAL', 'return coroutine.wrap(function() local t = {2, 1} table.sort(t, function(a, b) coroutine.yield() return a < b end) end)()', 0))
      .toEqual({ t: 'error', v: `ERR user_script:1: attempt to yield across metamethod/C-call boundary script: ${sha1('return coroutine.wrap(function() local t = {2, 1} table.sort(t, function(a, b) coroutine.yield() return a < b end) end)()')}, on @user_script:1.` });
  });
});

describe('a script that cannot yield', () => {
  const STALL = /^ERR Script killed: it ran past busy-reply-threshold inside a call that cannot be interrupted .* script: [0-9a-f]{40}, on @user_script:1\.$/;

  // Safety net for C calls still made without a continuation (an __index
  // chain two tables deep from gsub's lua_gettable).
  it('is stopped after a second threshold', () => {
    const { s, b } = setup();
    evalScriptsOf(s).engine.stallMinMs = 0;
    const r = b.send('EVAL', "string.gsub('abc', '%w', setmetatable({}, {__index = setmetatable({}, {__index = function() while true do end end})}))", 0);
    // it never reaches the event loop: the reply is synchronous
    expect(r).not.toBeInstanceOf(Promise);
    expect((r as { v: string }).v).toMatch(STALL);
    expect(s.connect().send('PING')).toEqual({ t: 'status', v: 'PONG' });
  });

  it('a long but finite callback lets the script go on, and it then yields', async () => {
    const { a, b } = setup();
    const p = b.send('EVAL', "table.sort({3, 2, 1}, function(x, y) for i = 1, 1000000 do end return x < y end) while true do end", 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('PING')).toEqual({ t: 'error', v: BUSY });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'status', v: 'OK' });
    expect(((await p) as { v: string }).v).toMatch(killed(1));
  });
});

describe('coroutine.yield from the script body', () => {
  it('is refused as in Lua 5.1', () => {
    const { b } = setup();
    expect(b.send('EVAL', 'coroutine.yield()', 0)).toEqual({ t: 'error',
      v: 'ERR attempt to yield across metamethod/C-call boundary script: 28fa9aab8f13eb98b7d555b1121c4e2f64da5b24, on @user_script:1.' });
    expect(b.send('EVAL', 'return coroutine.wrap(function() coroutine.yield(5) end)()', 0)).toEqual({ t: 'int', v: 5 });
  });
});

describe('issue 7: functions while busy, and the FUNCTION LOAD budget', () => {
  it('SCRIPT FLUSH and FUNCTION FLUSH during a busy FCALL answer BUSY', async () => {
    const { a, b } = setup();
    expect(a.send('FUNCTION', 'LOAD', "#!lua name=l\nredis.register_function('spin', function() while true do end end)")).toEqual({ t: 'bulk', v: 'l' });
    const p = b.send('FCALL', 'spin', '0');
    expect(p).toBeInstanceOf(Promise);
    const FBUSY = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
    expect(a.send('SCRIPT', 'FLUSH')).toEqual({ t: 'error', v: FBUSY });
    expect(a.send('FUNCTION', 'FLUSH')).toEqual({ t: 'error', v: FBUSY });
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'status', v: 'OK' });
    expect(((await p) as { v: string }).v).toBe('ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.');
  });

  it('a library body Redis loads in ~100 ms is accepted; an endless one times out', () => {
    const { a } = setup();
    // 3M VM instructions: about 70 ms on Redis 7.0.15 here, seconds on fengari
    expect(a.send('FUNCTION', 'LOAD', "#!lua name=t1\nlocal x=0 for i=1,1.5e6 do x = x + i end\nredis.register_function('t1', function() return 1 end)"))
      .toEqual({ t: 'bulk', v: 't1' });
    expect(a.send('FUNCTION', 'LOAD', '#!lua name=t2\nwhile true do end'))
      .toEqual({ t: 'error', v: 'ERR Error registering functions: ERR FUNCTION LOAD timeout' });
  });
});
