import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

const mk = () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const sim = new RedSim({ clock, seed: 1 });
  return { sim, clock, a: sim.connect(), b: sim.connect(), c: sim.connect() };
};
/** Let promise callbacks run. */
const tick = () => new Promise((r) => setImmediate(r));

describe('CLIENT PAUSE on a virtual clock', () => {
  it('holds a write until the timeout has passed (end time exclusive), then runs it', async () => {
    const { clock, a, b } = mk();
    expect(a.callSync('CLIENT', 'PAUSE', '100', 'WRITE')).toBe('OK');
    let done: unknown;
    void b.call('SET', 'k', 'v').then((r) => { done = r; });
    expect(a.callSync('GET', 'k')).toBe(null);
    clock.advance(100);
    await tick();
    expect(done).toBeUndefined();
    clock.advance(1);
    await tick();
    expect(done).toBe('OK');
    expect(a.callSync('GET', 'k')).toBe('v');
  });

  it('resumes held commands in the order they were held, across clients', async () => {
    const { clock, a, b, c } = mk();
    a.callSync('CLIENT', 'PAUSE', '50', 'WRITE');
    const order: string[] = [];
    const p1 = b.call('RPUSH', 'l', 'b1').then(() => order.push('b1'));
    const p2 = c.call('RPUSH', 'l', 'c1').then(() => order.push('c1'));
    const p3 = b.call('RPUSH', 'l', 'b2').then(() => order.push('b2'));
    clock.advance(60);
    await Promise.all([p1, p2, p3]);
    expect(a.callSync('LRANGE', 'l', '0', '-1')).toEqual(['b1', 'c1', 'b2']);
  });

  it('ALL holds every command, CLIENT UNPAUSE included, until the timeout', async () => {
    const { clock, sim, a, b } = mk();
    a.callSync('SET', 'k', 'v');
    a.callSync('CLIENT', 'PAUSE', '1000', 'ALL');
    let got: unknown;
    let unpaused: unknown;
    void b.call('GET', 'k').then((r) => { got = r; });
    void sim.connect().call('CLIENT', 'UNPAUSE').then((r) => { unpaused = r; });
    await tick();
    expect(got).toBeUndefined();
    expect(unpaused).toBeUndefined();
    clock.advance(1001);
    await tick();
    expect(got).toBe('v');
    expect(unpaused).toBe('OK');
  });

  it('a WRITE pause is lifted by CLIENT UNPAUSE at once', async () => {
    const { a, b } = mk();
    a.callSync('CLIENT', 'PAUSE', '100000', 'WRITE');
    let done: unknown;
    void b.call('SET', 'k', 'v').then((r) => { done = r; });
    await tick();
    expect(done).toBeUndefined();
    expect(a.callSync('CLIENT', 'UNPAUSE')).toBe('OK');
    await tick();
    expect(done).toBe('OK');
  });

  it('no expiry and no eviction while paused; expiry resumes after', async () => {
    const { clock, sim, a } = mk();
    a.callSync('SET', 'x', '1', 'PX', '10');
    a.callSync('CLIENT', 'PAUSE', '1000', 'WRITE');
    clock.advance(500);
    expect(a.callSync('GET', 'x')).toBe(null);
    expect(a.callSync('DBSIZE')).toBe(1);
    expect(sim.dbs[0].data.has('x')).toBe(true);
    a.callSync('CLIENT', 'UNPAUSE');
    expect(a.callSync('GET', 'x')).toBe(null);
    expect(a.callSync('DBSIZE')).toBe(0);
  });

  it('a held client killed meanwhile never runs its command', async () => {
    const { clock, a, b } = mk();
    const id = b.callSync('CLIENT', 'ID') as number;
    a.callSync('CLIENT', 'PAUSE', '100', 'WRITE');
    void b.call('SET', 'k', 'v').catch(() => undefined);
    expect(a.callSync('CLIENT', 'KILL', 'ID', String(id))).toBe(1);
    clock.advance(200);
    await tick();
    expect(a.callSync('EXISTS', 'k')).toBe(0);
  });
});
