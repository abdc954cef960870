import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { evalScriptsOf } from '../../src/scripting/eval.js';

const sim = () => new RedSim({ clock: new VirtualClock(), seed: 1 });

describe('EVAL engine', () => {
  it('compiles a body once and reuses it', () => {
    const s = sim();
    const c = s.connect();
    expect(c.callSync('EVAL', "return redis.call('INCR', KEYS[1])", 1, 'k')).toBe(1);
    const eng = evalScriptsOf(s).engine;
    expect(c.callSync('EVAL', "return redis.call('INCR', KEYS[1])", 1, 'k')).toBe(2);
    expect(evalScriptsOf(s).engine).toBe(eng);
    expect(evalScriptsOf(s).scripts.size).toBe(1);
    expect((s.ext.scriptCount as () => number)()).toBe(1);
    c.callSync('SCRIPT', 'FLUSH');
    expect(evalScriptsOf(s).engine).not.toBe(eng);
    expect(evalScriptsOf(s).scripts.size).toBe(0);
  });

  it('math.random starts where a fresh Redis starts, per server', () => {
    const a = sim().connect();
    const b = sim().connect();
    const first = a.callSync('EVAL', 'return tostring(math.random())', 0);
    expect(b.callSync('EVAL', 'return tostring(math.random())', 0)).toBe(first);
    expect(first).toBe('0.39646477363839');
    expect(a.callSync('EVAL', 'return tostring(math.random())', 0)).toBe('0.84048536971234');
  });

  it('script writes dirty WATCHed keys', () => {
    const s = sim();
    const a = s.connect();
    const b = s.connect();
    a.callSync('WATCH', 'k');
    b.callSync('EVAL', "redis.call('SET', 'k', 1)", 0);
    a.callSync('MULTI');
    a.callSync('GET', 'k');
    expect(a.callSync('EXEC')).toBeNull();
  });

  it('a busy script yields, others get BUSY, SCRIPT KILL stops it', async () => {
    const s = new RedSim({ clock: new VirtualClock(), seed: 1, config: { 'busy-reply-threshold': 50 } });
    const a = s.connect();
    const b = s.connect();
    const p = b.send('EVAL', 'while true do end', 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('PING')).toEqual({ t: 'error', v: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.' });
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'error', v: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.' });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'status', v: 'OK' });
    const r = await p;
    expect(r.t).toBe('error');
    expect((r as { v: string }).v).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect(a.send('PING')).toEqual({ t: 'status', v: 'PONG' });
  });

  it('a busy script that wrote is unkillable and finishes on its own', async () => {
    const s = new RedSim({ clock: new VirtualClock(), seed: 1, config: { 'busy-reply-threshold': 20 } });
    const a = s.connect();
    const b = s.connect();
    const p = b.send('EVAL', "redis.call('set', 'x', 1); for i = 1, 600000 do end; return 'done'", 0);
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.' });
    expect(await p).toEqual({ t: 'bulk', v: 'done' });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: 'NOTBUSY No scripts in execution right now.' });
  });

  it('deep recursion is a Lua error, not a crash', () => {
    const c = sim().connect();
    const r = c.send('EVAL', 'local function f(n) return 1 + f(n + 1) end return f(1)', 0);
    expect(r instanceof Promise ? null : r.t).toBe('error');
  });

  it('runs cached scripts fast', () => {
    const c = sim().connect();
    const sha = c.callSync('SCRIPT', 'LOAD', "return redis.call('INCR', KEYS[1])") as string;
    const n = 20000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) c.send('EVALSHA', sha, 1, 'k');
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(c.callSync('GET', 'k')).toBe(String(n));
    console.log(`EVALSHA: ${Math.round(n / (ms / 1000))}/s`);
  });
});
