import { describe, it, expect } from 'vitest';
import { RateLimiterRedis } from 'rate-limiter-flexible';
// @ts-expect-error redlock ships no types for its ESM entry
import Redlock from 'redlock';
// @ts-expect-error express-session ships no types (no @types package installed)
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { createRedis } from '../../src/adapters/ioredis.js';
import { createClient } from '../../src/adapters/node-redis.js';
import { withoutSockets } from './no-socket.js';

describe('rate-limiter-flexible (rate limiter) on redsim in-process', () => {
  it('consumes points, rejects past the limit with msBeforeNext, resets after the window', async () => {
    const clock = new VirtualClock(Date.now());
    const sim = new RedSim({ seed: 1, clock });
    const { result, listens, connects } = await withoutSockets(async () => {
      const storeClient = createRedis(sim);
      const limiter = new RateLimiterRedis({ storeClient, keyPrefix: 'rl', points: 3, duration: 10 });
      const ok = [];
      for (let i = 0; i < 3; i++) ok.push((await limiter.consume('ip-1')).remainingPoints);
      const rejected = await limiter.consume('ip-1').then(() => null, (r: { msBeforeNext: number; remainingPoints: number }) => r);
      clock.advance(10_001);
      const after = (await limiter.consume('ip-1')).remainingPoints;
      storeClient.disconnect();
      return { ok, rejected, after };
    });
    expect(result.ok).toEqual([2, 1, 0]);
    expect(result.rejected?.remainingPoints).toBe(0);
    expect(result.rejected!.msBeforeNext).toBeGreaterThan(9_000);
    expect(result.rejected!.msBeforeNext).toBeLessThanOrEqual(10_000);
    expect(result.after).toBe(2);
    expect({ listens, connects }).toEqual({ listens: 0, connects: 0 });
  });
});

describe('redlock (distributed lock) on redsim in-process', () => {
  it('a second acquire fails while the lock is held, succeeds after release', async () => {
    const sim = new RedSim({ seed: 1 });
    const { result, listens, connects } = await withoutSockets(async () => {
      const client = createRedis(sim);
      const redlock = new Redlock([client], { retryCount: 2, retryDelay: 10 });
      const lock = await redlock.acquire(['lock:order:1'], 5_000);
      const held = sim.connect().callSync('GET', 'lock:order:1');
      const second = await redlock.acquire(['lock:order:1'], 5_000).then(() => 'acquired', (e: Error) => e.name);
      await lock.release();
      const third = await redlock.acquire(['lock:order:1'], 5_000);
      await third.release();
      client.disconnect();
      return { held, second, lock };
    });
    expect(result.held).toBe(result.lock.value);
    expect(result.second).toBe('ExecutionError');
    expect({ listens, connects }).toEqual({ listens: 0, connects: 0 });
  });
});

describe('connect-redis (express session store, node-redis client) on redsim in-process', () => {
  it('stores, reads, touches and destroys sessions with their TTL', async () => {
    const clock = new VirtualClock(Date.now());
    const sim = new RedSim({ seed: 1, clock });
    const { result, listens, connects } = await withoutSockets(async () => {
      const client = await createClient(sim).connect();
      const store = new RedisStore({ client, prefix: 'sess:', ttl: 60 });
      const p = <T>(f: (cb: (e: unknown, v?: T) => void) => void) => new Promise<T | undefined>((res, rej) => f((e, v) => (e ? rej(e) : res(v))));
      const data = { cookie: new session.Cookie(), user: 'ann' } as session.SessionData & { user: string };
      await p((cb) => store.set('abc', data, cb));
      const got = await p<session.SessionData & { user: string }>((cb) => store.get('abc', cb));
      const ttl = sim.connect().callSync('TTL', 'sess:abc');
      clock.advance(61_000);
      const expired = await p((cb) => store.get('abc', cb));
      await p((cb) => store.set('def', data, cb));
      await p((cb) => store.destroy('def', cb));
      const keys = sim.keys();
      client.destroy();
      return { user: got?.user, ttl, expired, keys };
    });
    expect(result).toEqual({ user: 'ann', ttl: 60, expired: null, keys: [] });
    expect({ listens, connects }).toEqual({ listens: 0, connects: 0 });
  });
});
