import { describe, it, expect } from 'vitest';
import { RedSim, VirtualClock } from '../../src/index.js';

function fill(policy: string, seed = 5) {
  const clock = new VirtualClock();
  const sim = new RedSim({ clock, seed, config: { 'maxmemory-policy': policy } });
  const c = sim.connect();
  for (let i = 0; i < 200; i++) {
    c.callSync('SET', `k${i}`, 'x'.repeat(100), ...(i % 2 ? ['EX', String(1000 + i)] : []));
    clock.advance(1000);
  }
  return { sim, c, clock };
}

describe('eviction', () => {
  it('allkeys-lru evicts the least recently used keys first', () => {
    const { sim, c } = fill('allkeys-lru');
    for (let i = 0; i < 20; i++) c.callSync('GET', `k${i}`); // touch the oldest ones
    c.callSync('CONFIG', 'SET', 'maxmemory', String(sim.usedMemory() - 5000));
    c.callSync('SET', 'new', 'v');
    const left = (c.callSync('KEYS', '*') as string[]);
    expect(left.length).toBeLessThan(200);
    for (let i = 0; i < 20; i++) expect(left).toContain(`k${i}`);
    expect(sim.usedMemory()).toBeLessThanOrEqual(sim.maxmemory);
    const info = c.callSync('INFO', 'stats') as string;
    expect(info).toMatch(new RegExp(`evicted_keys:${201 - left.length}\\r\\n`));
  });

  it('volatile-ttl evicts the keys closest to expiring and never persistent ones', () => {
    const { sim, c } = fill('volatile-ttl');
    c.callSync('CONFIG', 'SET', 'maxmemory', String(sim.usedMemory() - 3000));
    const left = new Set(c.callSync('KEYS', '*') as string[]);
    for (let i = 0; i < 200; i += 2) expect(left.has(`k${i}`)).toBe(true);
    // the pool favours the soonest expiring: the evicted ones expire earlier on average
    const gone = Array.from({ length: 100 }, (_, j) => 2 * j + 1).filter((i) => !left.has(`k${i}`));
    const kept = Array.from({ length: 100 }, (_, j) => 2 * j + 1).filter((i) => left.has(`k${i}`));
    expect(gone.length).toBeGreaterThan(0);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(gone)).toBeLessThan(avg(kept));
  });

  it('a seeded run evicts the same keys every time', () => {
    const run = (policy: string) => {
      const { sim, c } = fill(policy, 99);
      c.callSync('CONFIG', 'SET', 'maxmemory', String(sim.usedMemory() - 8000));
      return (c.callSync('KEYS', '*') as string[]).sort().join(',');
    };
    for (const p of ['allkeys-random', 'volatile-random', 'allkeys-lfu', 'volatile-lru', 'allkeys-lru']) {
      const a = run(p);
      expect(a).toBe(run(p));
    }
  });

  it('noeviction refuses denyoom commands but keeps the data', () => {
    const { sim, c } = fill('noeviction');
    c.callSync('CONFIG', 'SET', 'maxmemory', String(sim.usedMemory() - 3000));
    expect(() => c.callSync('SET', 'a', 'b')).toThrow("OOM command not allowed when used memory > 'maxmemory'.");
    expect(c.callSync('DBSIZE')).toBe(200);
    c.callSync('DEL', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19', 'k20', 'k21', 'k22', 'k23', 'k24', 'k25', 'k26', 'k27', 'k28', 'k29');
    expect(c.callSync('SET', 'a', 'b')).toBe('OK');
  });

  it('evicted keys dirty WATCH', () => {
    const { sim, c } = fill('allkeys-random');
    const w = sim.connect();
    w.callSync('WATCH', ...Array.from({ length: 200 }, (_, i) => `k${i}`));
    c.callSync('CONFIG', 'SET', 'maxmemory', String(sim.usedMemory() - 3000));
    w.callSync('MULTI');
    w.callSync('PING');
    expect(w.callSync('EXEC')).toBe(null);
  });
});
