import { describe, it, expect } from 'vitest';
import { RedSim, VirtualClock } from '../../src/index.js';
import { jeSize, sdsAlloc } from '../../src/keyspace/memsize.js';

describe('LFU counters on the virtual clock', () => {
  it('counts accesses logarithmically and decays by lfu-decay-time minutes', () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ clock, seed: 7, config: { 'maxmemory-policy': 'allkeys-lfu', 'lfu-log-factor': 0 } });
    const c = sim.connect();
    c.callSync('SET', 'k', 'v');
    expect(c.callSync('OBJECT', 'FREQ', 'k')).toBe(5);
    // lfu-log-factor 0: every access increments.
    for (let i = 0; i < 10; i++) c.callSync('GET', 'k');
    expect(c.callSync('OBJECT', 'FREQ', 'k')).toBe(15);
    clock.advance(3 * 60_000); // three decay periods of one minute
    expect(c.callSync('OBJECT', 'FREQ', 'k')).toBe(12);
    c.callSync('CONFIG', 'SET', 'lfu-decay-time', '0');
    clock.advance(60 * 60_000);
    // Decay is applied when the counter is next updated, not by reading it.
    expect(c.callSync('OBJECT', 'FREQ', 'k')).toBe(15);
  });

  it('a seeded run counts the same with lfu-log-factor 10', () => {
    const run = () => {
      const sim = new RedSim({ clock: new VirtualClock(), seed: 42, config: { 'maxmemory-policy': 'allkeys-lfu' } });
      const c = sim.connect();
      c.callSync('SET', 'k', 'v');
      for (let i = 0; i < 2000; i++) c.callSync('GET', 'k');
      return c.callSync('OBJECT', 'FREQ', 'k') as number;
    };
    const a = run();
    expect(a).toBe(run());
    expect(a).toBeGreaterThan(5);
    expect(a).toBeLessThan(40);
  });

  it('RESTORE FREQ sets the counter; IDLETIME sets the idle time under LRU', () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ clock, seed: 1 });
    const c = sim.connect();
    c.callSync('SET', 'src', 'hello');
    const payload = Buffer.from((c.send('DUMP', 'src') as { v: string }).v, 'latin1');
    c.callSync('RESTORE', 'a', '0', payload, 'IDLETIME', '500');
    expect(c.callSync('OBJECT', 'IDLETIME', 'a')).toBe(500);
    c.callSync('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    c.callSync('RESTORE', 'b', '0', payload, 'FREQ', '77');
    expect(c.callSync('OBJECT', 'FREQ', 'b')).toBe(77);
  });
});

describe('memory sizes', () => {
  it('jemalloc size classes', () => {
    expect([1, 8, 9, 16, 17, 48, 65, 128, 129, 160, 161, 257, 1025, 14337, 16385].map(jeSize))
      .toEqual([8, 8, 16, 16, 32, 48, 80, 128, 160, 160, 192, 320, 1280, 16384, 20480]);
    expect(sdsAlloc(0)).toBe(8);
    expect(sdsAlloc(31)).toBe(48); // type-5 header
    expect(sdsAlloc(32)).toBe(48); // type-8 header: 3 + 32 + 1
  });

  it('used_memory follows writes and deletes through the keyspace', () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 1 });
    const c = sim.connect();
    const base = sim.usedMemory();
    c.callSync('SET', 'k', 'x'.repeat(1000));
    const withKey = sim.usedMemory();
    expect(withKey - base).toBeGreaterThan(1000);
    c.callSync('APPEND', 'k', 'y'.repeat(1000));
    expect(sim.usedMemory()).toBeGreaterThan(withKey + 900);
    c.callSync('DEL', 'k');
    expect(sim.usedMemory()).toBe(base);
    c.callSync('HSET', 'h', 'a', '1');
    c.callSync('FLUSHALL');
    expect(sim.usedMemory()).toBe(base);
  });
});

describe('LOLWUT', () => {
  it('version 6 draws a cols x rows canvas of ANSI cells', () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 3 });
    const c = sim.connect();
    const out = c.callSync('LOLWUT', 'VERSION', '6', '10', '5') as string;
    const lines = out.split('\n');
    expect(lines.slice(0, 5).every((l) => (l.match(/\x1b\[0m/g) ?? []).length === 10)).toBe(true);
    expect(out.endsWith('Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n')).toBe(true);
  });
});
