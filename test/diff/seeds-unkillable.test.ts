/**
 * Seed document 002 (27.3.5 / 27.6.1): "If the script has already written data,
 * only SHUTDOWN NOSAVE can save you". Against real Redis that leaves the server
 * hung, so it is checked on redsim only, with the error texts of Redis 7.0.15
 * (script.c scriptKill, server.c shared.slowevalerr / slowscripterr).
 * The busy script loops until TIME passes a mark, so the test ends it by
 * advancing the virtual clock instead of killing the process.
 */
import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';

const UNKILLABLE = 'UNKILLABLE Sorry the script already executed write commands against the dataset. '
  + 'You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
const NOTBUSY = 'NOTBUSY No scripts in execution right now.';

// Writes, then spins until the server time (seconds) reaches ARGV[1].
const WRITE_THEN_SPIN = "redis.call('SET', KEYS[1], 'written')\n"
  + "while tonumber(redis.call('TIME')[1]) < tonumber(ARGV[1]) do end\nreturn 'done'";

function setup() {
  const clock = new VirtualClock(1_700_000_000_000);
  const s = new RedSim({ clock, seed: 1, config: { 'busy-reply-threshold': 100 } });
  return { s, clock, a: s.connect(), b: s.connect() };
}

const until = (clock: VirtualClock, seconds: number) => String(Math.floor(clock.now() / 1000) + seconds);

describe('seeds/002 a busy script that already wrote (redsim only)', () => {
  it('EVAL: SCRIPT KILL and FUNCTION KILL answer UNKILLABLE, others get BUSY, the script runs to its end', async () => {
    const { clock, a, b } = setup();
    const p = b.send('EVAL', WRITE_THEN_SPIN, 1, 'seed:x', until(clock, 3600));
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('GET', 'seed:x')).toEqual({ t: 'error', v: BUSY_EVAL });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: UNKILLABLE });
    // The write check comes before the EVAL-vs-function check in scriptKill.
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'error', v: UNKILLABLE });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: UNKILLABLE });
    clock.advance(3_600_000);
    expect(await p).toEqual({ t: 'bulk', v: 'done' });
    expect(a.send('GET', 'seed:x')).toEqual({ t: 'bulk', v: 'written' });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: NOTBUSY });
  });

  it('FCALL: the same, with the function wording of BUSY', async () => {
    const { clock, a, b } = setup();
    const lib = `#!lua name=seedspin\nredis.register_function('spin', function(KEYS, ARGV)\n${WRITE_THEN_SPIN}\nend)`;
    expect(a.send('FUNCTION', 'LOAD', lib)).toEqual({ t: 'bulk', v: 'seedspin' });
    const p = b.send('FCALL', 'spin', 1, 'seed:y', until(clock, 60));
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('SET', 'seed:y', 'other')).toEqual({ t: 'error', v: BUSY_FUNCTION });
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'error', v: UNKILLABLE });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'error', v: UNKILLABLE });
    clock.advance(60_000);
    expect(await p).toEqual({ t: 'bulk', v: 'done' });
    expect(a.send('GET', 'seed:y')).toEqual({ t: 'bulk', v: 'written' });
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'error', v: NOTBUSY });
  });

  it('a read-only spin stays killable: the kill ends it, no write happened', async () => {
    const { clock, a, b } = setup();
    const p = b.send('EVAL', "while tonumber(redis.call('TIME')[1]) < tonumber(ARGV[1]) do end", 0, until(clock, 3600));
    expect(p).toBeInstanceOf(Promise);
    expect(a.send('FUNCTION', 'KILL')).toEqual({ t: 'error', v: BUSY_EVAL });
    expect(a.send('SCRIPT', 'KILL')).toEqual({ t: 'status', v: 'OK' });
    const r = await p;
    expect(r.t).toBe('error');
    expect((r as { v: string }).v).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
  });
});
