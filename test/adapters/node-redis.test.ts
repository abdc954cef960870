import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { createClient } from '../../src/adapters/node-redis.js';

describe('redsim/node-redis: a real node-redis client in memory', () => {
  it('commands, MULTI, pipelines and scripts through node-redis', async () => {
    const sim = new RedSim({ seed: 1 });
    const c = await createClient(sim).connect();
    try {
      expect(await c.set('k', 'v')).toBe('OK');
      expect(await c.get('k')).toBe('v');
      expect(await c.multi().incr('n').incr('n').exec()).toEqual([1, 2]);
      expect(await c.eval("return redis.call('GET', KEYS[1])", { keys: ['k'] })).toBe('v');
      await expect(c.sendCommand(['LPUSH', 'k', 'x'])).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
      expect(sim.connect().callSync('GET', 'n')).toBe('2');
    } finally { c.destroy(); }
  });

  it('RESP3: maps arrive as objects', async () => {
    const c = await createClient(new RedSim({ seed: 1 }), { RESP: 3 }).connect();
    try {
      await c.hSet('h', { a: '1', b: '2' });
      expect(await c.hGetAll('h')).toEqual({ a: '1', b: '2' });
    } finally { c.destroy(); }
  });

  it('blocking commands follow the virtual clock', async () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ clock, seed: 1 });
    const c = await createClient(sim).connect();
    try {
      const p = c.blPop('q', 3);
      await new Promise((res) => setTimeout(res, 10));
      clock.advance(3_001);
      expect(await p).toBeNull();
    } finally { c.destroy(); }
  });
});
