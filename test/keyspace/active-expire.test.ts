import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';

const setup = (config: Record<string, string> = {}) => {
  const clock = new VirtualClock();
  const sim = new RedSim({ clock, seed: 1, config });
  return { clock, sim, c: sim.connect() };
};

describe('active expire cycle', () => {
  it('an idle server with many volatile keys samples a bounded number per cycle', () => {
    const { sim, c } = setup();
    for (let i = 0; i < 100_000; i++) c.callSync('SET', 'k' + i, 'v', 'EX', '1000');
    const db = sim.dbs[0];
    let loops = 0, sampled = 0;
    const orig = db.activeExpireLoop.bind(db);
    db.activeExpireLoop = (n: number) => { loops++; const r = orig(n); sampled += r.sampled; return r; };
    sim.activeExpireCycle();
    expect(loops).toBe(1);
    expect(sampled).toBe(20);
    expect(db.size).toBe(100_000);
  });

  it('repeats while more than 10% of a sample expired, and walks the whole keyspace over cycles', () => {
    const { clock, sim, c } = setup();
    for (let i = 0; i < 10_000; i++) c.callSync('SET', 'k' + i, 'v', 'PX', i % 2 ? '100' : '100000');
    clock.advance(200);
    sim.activeExpireCycle();
    // A virtual clock never exhausts the time budget: the first cycle keeps sampling
    // while half of each sample is expired, until a sample is mostly clean.
    const info = () => c.callSync('INFO', 'stats') as string;
    const expired = () => Number(/expired_keys:(\d+)/.exec(info())![1]);
    expect(expired()).toBe(5000);
    expect(sim.dbs[0].size).toBe(5000);
  });

  it('active-expire-effort scales the sample size', () => {
    const { sim, c } = setup({ 'active-expire-effort': '10' });
    for (let i = 0; i < 1000; i++) c.callSync('SET', 'k' + i, 'v', 'EX', '1000');
    const db = sim.dbs[0];
    let sampled = 0;
    const orig = db.activeExpireLoop.bind(db);
    db.activeExpireLoop = (n: number) => { const r = orig(n); sampled += r.sampled; return r; };
    sim.activeExpireCycle();
    expect(sampled).toBe(20 + 5 * 9);
  });

  it('runs on the clock timers, hz times a second, and expired keys signal WATCH', () => {
    const { clock, sim, c } = setup();
    const w = sim.connect();
    for (let i = 0; i < 50; i++) c.callSync('SET', 'k' + i, 'v', 'PX', '50');
    w.callSync('WATCH', 'k3');
    sim.startActiveExpire();
    clock.advance(1000);
    expect(sim.dbs[0].size).toBe(0);
    w.callSync('MULTI');
    w.callSync('PING');
    expect(w.callSync('EXEC')).toBeNull();
    sim.stop();
  });
});
