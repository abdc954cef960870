import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import type { PushEvent } from '../../src/api.js';

describe('in-process pub/sub', () => {
  it('SUBSCRIBE answers one frame per channel; messages arrive as events', async () => {
    const sim = new RedSim({ seed: 1 });
    const sub = sim.connect();
    const pub = sim.connect();
    expect(await sub.call('SUBSCRIBE', 'a', 'b')).toEqual([['subscribe', 'a', 1], ['subscribe', 'b', 2]]);
    const got: PushEvent[] = [];
    sub.on('message', (e) => got.push(e));
    expect(await pub.call('PUBLISH', 'a', 'hello')).toBe(1);
    await Promise.resolve();
    expect(got.map((e) => [e.type, 'channel' in e ? e.channel : '', 'message' in e ? e.message : ''])).toEqual([['message', 'a', 'hello']]);
    await expect(sub.call('GET', 'x')).rejects.toThrow("Can't execute 'get'");
  });

  it('pushes() is an async iterator of messages, pattern messages included', async () => {
    const sim = new RedSim({ seed: 1 });
    const sub = sim.connect();
    const pub = sim.connect();
    await sub.call('PSUBSCRIBE', 'n.*');
    await sub.call('SUBSCRIBE', 'n.x');
    const it = sub.pushes();
    await pub.call('PUBLISH', 'n.x', 'm1');
    await pub.call('PUBLISH', 'n.y', 'm2');
    const seen: PushEvent[] = [];
    for await (const e of it) { seen.push(e); if (seen.length === 3) break; }
    expect(seen.map((e) => e.type)).toEqual(['message', 'pmessage', 'pmessage']);
    expect(seen[2]).toMatchObject({ pattern: 'n.*', channel: 'n.y', message: 'm2' });
    // After break the iterator is detached: nothing more is buffered for it.
    await pub.call('PUBLISH', 'n.x', 'm3');
    expect((await it.next()).done).toBe(true);
  });

  it('close ends the iterator and unsubscribes', async () => {
    const sim = new RedSim({ seed: 1 });
    const sub = sim.connect();
    const pub = sim.connect();
    await sub.call('SUBSCRIBE', 'c');
    const it = sub.pushes();
    const next = it.next();
    sub.close();
    expect((await next).done).toBe(true);
    expect(await pub.call('PUBLISH', 'c', 'x')).toBe(0);
    expect(await pub.call('PUBSUB', 'NUMSUB', 'c')).toEqual(['c', 0]);
  });

  it('RESET leaves subscribed mode silently', async () => {
    const sim = new RedSim({ seed: 1 });
    const c = sim.connect();
    await c.call('SUBSCRIBE', 'c');
    expect(await c.call('RESET')).toBe('RESET');
    expect(await c.call('PUBSUB', 'NUMSUB', 'c')).toEqual(['c', 0]);
  });
});
