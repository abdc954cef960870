/**
 * The README's module-mocking recipe, as written: code under test that does
 * `new Redis()` from 'ioredis' gets an in-memory client of the default instance.
 */
import { describe, it, expect, vi } from 'vitest';
import { Redis } from 'ioredis';
import { resetDefaultSim } from '../../src/adapters/ioredis.js';

vi.mock('ioredis', () => import('../../src/adapters/ioredis.js'));

describe("vi.mock('ioredis', () => import('redsim/ioredis'))", () => {
  it('new Redis(url) in the code under test talks to the default redsim instance', async () => {
    const sim = resetDefaultSim({ seed: 1 });
    const redis = new Redis('redis://cache.example.internal:6379/0');   // no such host: nothing leaves the process
    try {
      await redis.set('from-app', '1');
      expect(sim.connect().callSync('GET', 'from-app')).toBe('1');
    } finally { redis.disconnect(); }
  });
});
