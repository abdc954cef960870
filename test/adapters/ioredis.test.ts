import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { Redis, createRedis } from '../../src/adapters/ioredis.js';

const open: Redis[] = [];
function client(sim: RedSim, opts = {}): Redis {
  const r = createRedis(sim, opts);
  open.push(r);
  return r;
}
afterEach(() => { for (const r of open.splice(0)) r.disconnect(); });

describe('redsim/ioredis: a real ioredis client in memory', () => {
  it('commands, pipelines and MULTI go through ioredis unchanged', async () => {
    const sim = new RedSim({ seed: 1 });
    const r = client(sim);
    expect(await r.set('k', 'v')).toBe('OK');
    expect(await r.get('k')).toBe('v');
    expect(await r.pipeline().incr('n').incr('n').get('n').exec()).toEqual([[null, 1], [null, 2], [null, '2']]);
    expect(await r.multi().set('a', '1').lpush('a', 'x').get('a').exec()).toEqual([
      [null, 'OK'], [expect.objectContaining({ message: 'WRONGTYPE Operation against a key holding the wrong kind of value' })], [null, '1']]);
    // The in-process API sees the same keyspace.
    expect(sim.connect().callSync('GET', 'k')).toBe('v');
  });

  it('EXECABORT and error replies arrive as ioredis ReplyErrors with Redis text', async () => {
    const r = client(new RedSim({ seed: 1 }));
    await expect(r.call('NOSUCH')).rejects.toThrow("ERR unknown command 'NOSUCH', with args beginning with: ");
    const tx = r.multi();
    tx.set('a', '1');
    (tx as unknown as { call: (...a: string[]) => void }).call('NOSUCH');
    await expect(tx.exec()).rejects.toThrow(/EXECABORT Transaction discarded because of previous errors/);
  });

  it('defineCommand runs Lua with the EVALSHA fallback', async () => {
    const r = client(new RedSim({ seed: 1 }));
    r.defineCommand('incrTwice', { numberOfKeys: 1, lua: "redis.call('INCR', KEYS[1]) return redis.call('INCR', KEYS[1])" });
    expect(await (r as unknown as { incrTwice: (k: string) => Promise<number> }).incrTwice('c')).toBe(2);
    expect(await (r as unknown as { incrTwice: (k: string) => Promise<number> }).incrTwice('c')).toBe(4);
  });

  it('duplicate() shares the instance; several clients see each other', async () => {
    const sim = new RedSim({ seed: 1 });
    const a = client(sim);
    const b = a.duplicate();
    open.push(b);
    await a.set('shared', '1');
    expect(await b.get('shared')).toBe('1');
    expect(await b.client('ID')).not.toBe(await a.client('ID'));
  });

  it('blocking commands follow the virtual clock', async () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ clock, seed: 1 });
    const r = client(sim);
    const p = r.blpop('q', 5);
    await new Promise((res) => setTimeout(res, 10));
    clock.advance(5_001);
    expect(await p).toBeNull();
    const q = r.blpop('q', 0);
    await new Promise((res) => setTimeout(res, 10));
    await client(sim).rpush('q', 'job');
    expect(await q).toEqual(['q', 'job']);
  });

  it('scanStream iterates every key', async () => {
    const r = client(new RedSim({ seed: 1 }));
    for (let i = 0; i < 250; i++) await r.set(`key:${i}`, 'x');
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      r.scanStream({ match: 'key:*', count: 20 }).on('data', (ks: string[]) => ks.forEach((k) => seen.add(k))).on('end', resolve).on('error', reject);
    });
    expect(seen.size).toBe(250);
  });

  it('reconnects after CLIENT KILL and keeps working', async () => {
    const sim = new RedSim({ seed: 1 });
    const r = client(sim, { retryStrategy: () => 1 });
    const id = await r.client('ID');
    await sim.connect().call('CLIENT', 'KILL', 'ID', String(id));
    await new Promise((res) => r.once('ready', res));
    expect(await r.ping()).toBe('PONG');
    expect(await r.client('ID')).not.toBe(id);
  });

  it('opens no socket', async () => {
    const real = net.Socket.prototype.connect;
    let connects = 0;
    net.Socket.prototype.connect = function (this: net.Socket, ...a: unknown[]) { connects++; return (real as (...x: unknown[]) => net.Socket).apply(this, a); } as typeof real;
    try {
      const r = client(new RedSim({ seed: 1 }));
      await r.set('x', '1');
      expect(await r.get('x')).toBe('1');
    } finally { net.Socket.prototype.connect = real; }
    expect(connects).toBe(0);
  });

  it('new Redis() with no instance named uses the default instance', async () => {
    const { resetDefaultSim } = await import('../../src/adapters/ioredis.js');
    const sim = resetDefaultSim({ seed: 3 });
    const r = new Redis();
    open.push(r);
    await r.set('via-default', 'yes');
    expect(sim.connect().callSync('GET', 'via-default')).toBe('yes');
  });
});
