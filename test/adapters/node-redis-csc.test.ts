import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { createClient } from '../../src/adapters/node-redis.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('node-redis RESP3 client-side cache against redsim', () => {
  it('serves a GET from cache after the first read and drops it on another client\'s SET', async () => {
    const sim = new RedSim({ seed: 1 });
    const c = await createClient(sim, { RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } }).connect();
    const other = sim.connect();
    try {
      other.callSync('SET', 'k', 'v1');
      expect(await c.get('k')).toBe('v1');
      const afterFirst = countGets(sim);
      expect(await c.get('k')).toBe('v1');
      expect(countGets(sim)).toBe(afterFirst); // served from the cache: redsim saw no GET
      const info = String(other.callSync('CLIENT', 'LIST'));
      expect(info).toMatch(/flags=t /);
      other.callSync('SET', 'k', 'v2');
      await wait(20);
      expect(await c.get('k')).toBe('v2');
      expect(countGets(sim)).toBe(afterFirst + 1);
      expect(await c.get('k')).toBe('v2');
      expect(countGets(sim)).toBe(afterFirst + 1);
    } finally { c.destroy(); }
  });
});

function countGets(sim: RedSim): number {
  const m = /cmdstat_get:calls=(\d+)/.exec(String(sim.connect().callSync('INFO', 'commandstats')));
  return m ? Number(m[1]) : 0;
}
